// Panel 4 with a logs checkpoint: pick a session (pasted, from a JSONL file, or made up from
// the model's vocabulary) and see it as a row of events, each coloured by its rank under the
// model, the first unexpected one marked as `recur detect` reports it; hover or focus an event
// for its template, rank, probability and the events expected instead. Under it, the hidden
// state each prediction came from, one column per event.
import { detectSessions, explainSession } from 'recur';
import type { SessionExplanation } from 'recur';
import { orderUnits } from './analysis.js';
import { css, diverging, textOn, viridis, type Rgb } from './colors.js';
import { createHeatmap } from './heatmap.js';
import { legendHtml } from './legend.js';
import { rulesOf, ruleText, type LogsModel, type LogsRule } from './logs-model.js';
import { exampleSessions, MAX_EVENTS, RawLogLinesError, readSessions, tooLarge, type PickedSession } from './logs-sessions.js';
import './logs.css';

/** Events drawn at most (longer sessions are cut on screen, still judged on all events read: MAX_EVENTS). */
const MAX_SHOWN = 300;
const UNEXPECTED: Rgb = [213, 94, 0];
/** Sessions judged between two yields to the page. */
const VERDICT_CHUNK = 250;

/** Expected events: light (rank 1) to dark blue (rank `worst`) by log rank; unexpected ones vermillion. */
export function rankColour(rank: number, unexpected: boolean, worst: number): Rgb {
  if (unexpected) return UNEXPECTED;
  const f = Math.min(1, Math.log(rank) / Math.log(Math.max(2, worst)));
  return [222 + (33 - 222) * f, 235 + (102 - 235) * f, 247 + (172 - 247) * f];
}

const rankText = (r: number) => (r === Infinity ? 'new' : String(r));
const pct = (p: number) => (p >= 0.001 ? p.toFixed(3) : p.toExponential(1));

export interface LogsView {
  open(m: LogsModel): void;
}

export function createLogsView(root: HTMLElement): LogsView {
  root.innerHTML = `
    <p class="help">A logs model predicts each next event of a session from the previous <span id="lx-h"></span>; an event outside what it expects makes the session anomalous (as <code>recur detect</code> says).</p>
    <div class="row">
      <button id="lx-examples">Example sessions from the model</button>
      <label class="file">open sessions (JSONL) <input id="lx-file" type="file" accept=".jsonl,.json,.txt" /></label>
      <label>Rule <select id="lx-rule"></select></label>
    </div>
    <textarea id="lx-text" rows="3" spellcheck="false" aria-label="sessions: JSON lines {&quot;session&quot;, &quot;events&quot;: [...]}, or one event template a line"></textarea>
    <div class="row"><button id="lx-read">Read these sessions</button><label>Session <select id="lx-session"></select></label></div>
    <p id="lx-message" class="note" role="status"></p>
    <p id="lx-verdict" role="status"></p>
    <div id="lx-events" aria-label="the session's events, coloured by their rank under the model"></div>
    <p id="lx-detail" class="lx-detail" aria-live="polite"></p>
    <div id="lx-rank-legend" class="legend"></div>
    <div id="lx-heatmap" aria-label="hidden units after reading each event's context: one column per event"></div>
    <div id="lx-hm-legend" class="legend"></div>`;
  const q = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  const ruleSel = q<HTMLSelectElement>('#lx-rule');
  const sessionSel = q<HTMLSelectElement>('#lx-session');
  const text = q<HTMLTextAreaElement>('#lx-text');
  const message = q<HTMLElement>('#lx-message');
  const verdict = q<HTMLElement>('#lx-verdict');
  const row = q<HTMLElement>('#lx-events');
  const detail = q<HTMLElement>('#lx-detail');
  const heatmap = createHeatmap();
  q('#lx-heatmap').append(heatmap.root);
  let model: LogsModel | null = null;
  let rules: LogsRule[] = [];
  let sessions: PickedSession[] = [];
  let shown: SessionExplanation | null = null;
  let order: number[] = [];
  let cursor = 0;

  const rule = () => rules.find((r) => r.id === ruleSel.value) ?? rules[0]!;

  const describe = (k: number) => {
    if (!shown) return;
    const e = shown.events[k]!;
    const where = e.event === '<end>' ? `the end of the session (after ${shown.events.length - 1} events)` : `event ${e.position} of ${shown.events.length - 1}: ${e.event}`;
    const how = e.known ? `rank ${e.rank}, p ${pct(e.probability)}` : 'never seen in training: unexpected under any rule';
    detail.textContent = `${where} · ${how}${e.unexpected ? ' · UNEXPECTED' : ''} · expected most: ${e.top.map((x, i) => `${i + 1}. ${x.event} (${pct(x.probability)})`).join('  ')}`;
    cursor = k;
    row.querySelector('.cur')?.classList.remove('cur');
    row.children[k]?.classList.add('cur');
    draw();
  };

  const draw = () => {
    if (!shown) return;
    const n = Math.min(shown.events.length, MAX_SHOWN);
    const first = shown.detection.position ?? 0;
    heatmap.draw({
      data: shown.hidden, H: shown.H, order, scale: diverging(1), start: 0, end: Math.min(n, shown.hiddenRows), cursor, unit: order[0]!,
      chars: shown.events.map((e) => (e.position === first ? '!' : e.unexpected ? '×' : '·')),
      track: [{ label: 'p', values: (t) => shown!.events[t]!.probability, scale: viridis(0, 1) }],
    });
  };

  const show = () => {
    const s = sessions[Number(sessionSel.value)];
    if (!model || !s) return;
    const x = explainSession(model.events, s, rule().threshold, 5, MAX_SHOWN);
    shown = x;
    q('#lx-heatmap').hidden = false;
    const d = x.detection;
    const first = d.position ?? 0;
    root.dataset.session = s.session;
    root.dataset.anomalous = String(d.anomalous);
    root.dataset.firstUnexpected = String(first);
    root.dataset.ranks = x.events.map((e) => rankText(e.rank)).join(',');
    verdict.className = d.anomalous ? 'lx-anomalous' : 'lx-normal';
    const head = document.createElement('strong');
    const all = s.events.length + (s.dropped ?? 0);
    head.textContent = d.anomalous
      ? `${s.session}: anomalous at ${d.event === '<end>' ? `the end, after ${all} events` : `event ${first} of ${all}`} (${d.event}${d.rank === Infinity ? ', never seen in training' : `, rank ${d.rank}, p ${pct(d.probability!)}`})`
      : s.dropped
        ? `${s.session}: normal in its first ${s.events.length} events (each within the rule: ${ruleText(rule().threshold)} is unexpected); the verdict covers only those: ${s.dropped} more were left out when reading (recur detect reads them all)`
        : `${s.session}: normal (${s.events.length} events, and the end, each within the rule: ${ruleText(rule().threshold)} is unexpected)`;
    const rest = `${d.anomalous ? `; expected: ${d.expected!.join(' | ')}` : ''}${s.label ? ` · labelled ${s.label}` : ''}`;
    verdict.replaceChildren(head, rest);
    // Ranks run from 1 to the events that can come next: all ids but PAD, UNKNOWN and START.
    const V = model.events.vocab.size;
    const last = V - 3;
    row.replaceChildren(
      ...x.events.slice(0, MAX_SHOWN).map((e, k) => {
        const b = document.createElement('button');
        const c = rankColour(e.rank, e.unexpected, last);
        b.className = `lx-event${e.unexpected ? ' unexpected' : ''}${e.position === first ? ' first' : ''}${e.event === '<end>' ? ' end' : ''}`;
        b.textContent = e.event === '<end>' ? `end ${rankText(e.rank)}` : rankText(e.rank);
        b.style.background = css(c);
        b.style.color = textOn(c);
        b.dataset.position = String(e.position);
        b.dataset.rank = rankText(e.rank);
        b.title = `${e.event} · rank ${rankText(e.rank)} · p ${pct(e.probability)}`;
        b.setAttribute('aria-label', `event ${e.position}: ${e.event}, rank ${rankText(e.rank)}${e.position === first ? ', the first unexpected event' : ''}`);
        b.addEventListener('mouseenter', () => describe(k));
        b.addEventListener('focus', () => describe(k));
        b.addEventListener('click', () => describe(k));
        return b;
      }),
    );
    q('#lx-rank-legend').innerHTML = `<span><i class="sw" style="background:${css(rankColour(1, false, last))}"></i>rank 1 (most expected)</span><span><i class="sw" style="background:${css(rankColour(last, false, last))}"></i>rank ${last} (least)</span><span><i class="sw" style="background:${css(UNEXPECTED)}"></i>unexpected (${ruleText(rule().threshold)}; "new": never seen in training)</span><span><b>!</b> the first unexpected event</span>`;
    order = orderUnits(x.hidden, x.hiddenRows, x.H, Math.min(x.H, 24));
    describe(first > 0 ? Math.min(first, MAX_SHOWN) - 1 : 0);
    root.dataset.ready = 'true';
  };

  /**
   * Fills the picker and shows the first session at once; then each session's verdict, by
   * detectSessions as `recur detect` gives it, in chunks between which the page stays
   * responsive (thousands of sessions take seconds). A newer list stops an older one's.
   */
  let listToken = 0;
  const setSessions = async (list: PickedSession[], note: string, keep = 0) => {
    if (!model) return;
    const m = model;
    const token = ++listToken;
    const threshold = rule().threshold;
    sessions = list;
    const name = (s: PickedSession) => `${s.session}${s.label ? ` (${s.label})` : ''} · ${s.dropped ? `the first ${s.events.length} of ${s.events.length + s.dropped}` : s.events.length} events`;
    sessionSel.replaceChildren(...list.map((s, i) => new Option(name(s), String(i))));
    sessionSel.value = String(keep < list.length ? keep : 0);
    show();
    let flagged = 0;
    for (let from = 0; from < list.length; from += VERDICT_CHUNK) {
      message.textContent = `${note}: ${list.length} sessions; judging ${from} of ${list.length}…`;
      if (from > 0) await new Promise((r) => setTimeout(r, 0));
      if (token !== listToken) return;
      const part = list.slice(from, from + VERDICT_CHUNK);
      // A cut session is judged on the events kept, without an end (explainSession), the rest as detect does.
      const whole = detectSessions(m.events, part.filter((s) => !s.dropped), threshold);
      let w = 0;
      part.map((s) => (s.dropped ? explainSession(m.events, s, threshold, 1, 0).detection : whole[w++]!)).forEach((v, k) => {
        if (!v.anomalous) return;
        flagged++;
        sessionSel.options[from + k]!.text = `⚠ ${name(part[k]!)}`;
      });
    }
    message.textContent = `${note}: ${list.length} sessions, ${flagged} anomalous (${ruleText(threshold)})`;
  };

  const cannotRead = (why: string, command?: string) => {
    const parts: Array<string | Node> = [`could not read the sessions: ${why}`];
    if (command) {
      const code = document.createElement('code');
      code.className = 'lx-command';
      code.textContent = command;
      parts.push(' Run first: ', code);
    }
    message.replaceChildren(...parts);
  };

  const readText = (t: string, note: string) => {
    if (!model) return;
    const big = tooLarge(note === 'pasted' ? 'the pasted text' : note, t.length);
    if (big) return cannotRead(big);
    try {
      const { sessions: list, skipped } = readSessions(t, new Set(model.events.vocab.events));
      const cut = list.filter((s) => s.dropped);
      const left = cut.reduce((a, s) => a + s.dropped!, 0);
      const notes = [
        ...(skipped ? [`the first ${list.length}; ${skipped} more left out`] : []),
        ...(cut.length ? [`${cut.length} ${cut.length === 1 ? 'session' : 'sessions'} cut to the first ${MAX_EVENTS} events: ${left} events left out`] : []),
      ];
      void setSessions(list, notes.length ? `${note} (${notes.join('; ')})` : note);
    } catch (e) {
      // Nothing is shown from text that could not be read: the last sessions go.
      if (e instanceof RawLogLinesError) clearSessions();
      cannotRead((e as Error).message, e instanceof RawLogLinesError ? e.command : undefined);
    }
  };

  const clearSessions = () => {
    listToken++;
    sessions = [];
    shown = null;
    sessionSel.replaceChildren();
    row.replaceChildren();
    verdict.replaceChildren();
    detail.textContent = '';
    q('#lx-heatmap').hidden = true;
    for (const k of ['session', 'anomalous', 'firstUnexpected', 'ranks']) delete root.dataset[k];
  };

  q('#lx-read').addEventListener('click', () => readText(text.value, 'pasted'));
  q<HTMLInputElement>('#lx-file').addEventListener('change', (e) => {
    const f = (e.target as HTMLInputElement).files?.[0];
    if (!f) return;
    const big = tooLarge(f.name, f.size);
    if (big) return cannotRead(big);
    void f.text().then((t) => readText(t, f.name));
  });
  q('#lx-examples').addEventListener('click', () => model && void setSessions(exampleSessions(model.events, rule().threshold), 'made up from the model'));
  sessionSel.addEventListener('change', show);
  // The session picked stays picked under the other rule.
  ruleSel.addEventListener('change', () => void setSessions(sessions, 'the same sessions', Number(sessionSel.value) || 0));
  heatmap.onPick((_u, t) => describe(t));
  q('#lx-hm-legend').innerHTML = legendHtml(diverging(1), 'hidden h of the top layer after reading the previous events (the 24 units that vary most); row p: the probability of the actual event');

  return {
    open(m) {
      model = m;
      rules = rulesOf(m);
      ruleSel.replaceChildren(...rules.map((r) => new Option(r.label, r.id)));
      q('#lx-h').textContent = `${m.events.history} events`;
      text.value = '';
      void setSessions(exampleSessions(m.events, rule().threshold), 'made up from the model');
    },
  };
}
