// Panel 1: step through a text. One heatmap (a chosen gate or state, units grouped so
// structure shows) over a window around the cursor, one column per character; the selected
// unit's gates and states underneath; the text coloured by that unit or by surprise; the
// model's next-character candidates with the actual next character marked.
import { orderUnits, surpriseBits, symlog, windowAround } from './analysis.js';
import { showChar } from './chars.js';
import { diverging, symlogDiverging, viridis, type Scale } from './colors.js';
import { createHeatmap, type TrackRow } from './heatmap.js';
import { traceText, type CharModel, type TextTrace } from './model.js';
import { legendHtml } from './legend.js';
import { renderNext } from './next-chars.js';
import { createTextView } from './text-view.js';
import { SAMPLE_TEXTS } from './texts.js';

export const MAX_TEXT = 400;
const SIGNALS: Record<string, string> = {
  c: 'cell state c (long-term memory)', h: 'hidden state h (what the prediction sees)',
  f: 'forget gate f (1 = keep the cell)', i: 'input gate i (1 = write new content)', o: 'output gate o (1 = show the cell)', g: 'candidate g (new content)',
  z: 'update gate z (1 = keep the old state)', r: 'reset gate r (0 = ignore the old state)', n: 'candidate n (new content)',
};
const SURPRISE = { ...viridis(0, 12), ticks: [0, 3, 6, 9, 12] };

/** The colour scale of a signal: gates 0..1, candidates and h −1..1, c on a fixed symlog scale. */
export function scaleFor(key: string): Scale {
  return key === 'c' ? symlogDiverging(100) : key === 'g' || key === 'n' || key === 'h' ? diverging(1) : viridis(0, 1);
}

export interface StepperPanel {
  setModel(m: CharModel): void;
  selectUnit(u: number): void;
  /** Moves the cursor by delta steps (the cell view's own buttons). */
  step(delta: number): void;
  /** Called with the trace, step and selected unit whenever any changes. */
  onChange(listener: (tr: TextTrace, t: number, unit: number) => void): void;
}

export function createStepper(root: HTMLElement): StepperPanel {
  const q = <T extends HTMLElement>(s: string) => root.querySelector<T>(s)!;
  const picker = q<HTMLSelectElement>('#text-pick');
  const input = q<HTMLTextAreaElement>('#text-input');
  const scrub = q<HTMLInputElement>('#scrub');
  const playBtn = q<HTMLButtonElement>('#play');
  const status = q<HTMLElement>('#step-status');
  const signal = q<HTMLSelectElement>('#signal');
  const unitsPick = q<HTMLSelectElement>('#units-shown');
  const colourBy = q<HTMLSelectElement>('#colour-by');
  const textNote = q<HTMLElement>('#text-note');
  const legend = q<HTMLElement>('#hm-legend');
  const heatmap = createHeatmap();
  q('#heatmap-holder').append(heatmap.root);
  const textView = createTextView(q('#text-view'));
  for (const [i, s] of SAMPLE_TEXTS.entries()) picker.add(new Option(s.name, String(i)));
  input.value = SAMPLE_TEXTS[0]!.text;

  let model: CharModel | null = null;
  let trace: TextTrace | null = null;
  let chars: string[] = [];
  let surprise: number[] = [];
  let order: number[] = [];
  let t = 0;
  let unit = 0;
  let timer: number | null = null;
  const listeners: Array<(tr: TextTrace, t: number, unit: number) => void> = [];

  const series = (tr: TextTrace, key: string) => (key === 'c' ? tr.c : key === 'h' ? tr.h : tr.gates[key]) ?? tr.h;
  const reorder = () => {
    if (!trace) return;
    const keep = unitsPick.value === 'all' ? trace.H : Math.min(trace.H, 24);
    // Ordered by what is drawn: the cell state on its symlog scale, so a few units that count
    // up to ±90 do not outrank the ones that switch.
    const data = series(trace, signal.value);
    order = orderUnits(signal.value === 'c' ? data.map((v) => symlog(v)) : data, trace.T, trace.H, keep);
    if (!order.includes(unit)) unit = order[0]!;
  };
  const colourText = () => {
    if (!trace) return;
    const tr = trace;
    const describe = (s: number) => `step ${s + 1} '${showChar(chars[s]!)}'${tr.unknown.has(s) ? ' (not in the model\'s vocabulary)' : ''}${Number.isFinite(surprise[s]!) ? `, next character surprise ${surprise[s]!.toFixed(1)} bits` : ''}`;
    const key = tr.c ? 'c' : 'h';
    const mode = colourBy.value;
    q('#text-legend').innerHTML = mode === 'surprise' ? legendHtml(SURPRISE, 'bits: low = expected, high = surprising', '') : mode === 'unit' ? legendHtml(scaleFor(key), `unit ${unit}, ${key === 'c' ? 'cell state c' : 'hidden state h'}`) : '';
    if (mode === 'surprise') textView.build(chars, tr.unknown, (s) => surprise[s]!, SURPRISE, describe);
    else if (mode === 'unit') textView.build(chars, tr.unknown, (s) => series(tr, key)[s * tr.H + unit]!, scaleFor(key), describe);
    else textView.build(chars, tr.unknown, null, null, describe);
    textView.setCursor(t);
  };
  const drawLegend = (scale: Scale) => {
    legend.innerHTML = legendHtml(scale, scale.name.startsWith('symlog') ? 'linear within ±1, logarithmic beyond; fixed for every text' : '');
  };

  const render = () => {
    if (!trace || !model) return;
    const tr = trace;
    scrub.value = String(t);
    const width = Math.max(10, Math.floor((q<HTMLElement>('#heatmap-holder').clientWidth - 50) / heatmap.cellW));
    const [start, end] = windowAround(t, tr.T, width);
    const key = signal.value;
    const track: TrackRow[] = [...Object.keys(tr.gates), ...(tr.c ? ['c'] : []), 'h'].map((k) => ({ label: k, values: (s) => series(tr, k)[s * tr.H + unit]!, scale: scaleFor(k) }));
    heatmap.draw({ data: series(tr, key), H: tr.H, order, scale: scaleFor(key), chars, start, end, cursor: t, unit, track });
    status.textContent = `step ${t + 1} / ${tr.T} · read '${showChar(chars[t] ?? ' ')}' · unit ${unit}`;
    root.dataset.step = String(t);
    root.dataset.unit = String(unit);
    textView.setCursor(t);
    const row = tr.probs.subarray(t * tr.V, (t + 1) * tr.V);
    renderNext(q('#next-chars'), q('#next-note'), Array.from(row, (p, i) => ({ char: model!.vocab.chars[i]!, p })), 8, t + 1 < tr.T ? chars[t + 1]! : null);
    for (const l of listeners) l(tr, t, unit);
  };

  const go = (to: number) => {
    if (!trace) return;
    t = Math.max(0, Math.min(trace.T - 1, to));
    render();
  };
  const pause = () => {
    if (timer !== null) clearInterval(timer);
    timer = null;
    playBtn.textContent = '▶ play';
  };
  const play = () => {
    if (!trace) return;
    if (t >= trace.T - 1) t = -1;
    playBtn.textContent = '⏸ pause';
    timer = window.setInterval(() => (!trace || t >= trace.T - 1 ? pause() : go(t + 1)), 120);
  };
  const run = () => {
    if (!model) return;
    pause();
    const all = [...input.value];
    trace = traceText(model, all.slice(0, MAX_TEXT).join(''));
    chars = [...trace.text];
    surprise = surpriseBits(trace.probs, trace.ids, trace.V);
    const notes: string[] = [];
    if (all.length > MAX_TEXT) notes.push(`Showing the first ${MAX_TEXT} of ${all.length} characters.`);
    if (trace.unknown.size > 0) notes.push(`${trace.unknown.size} character(s) the model does not know (marked, read as '${showChar(model.vocab.chars[model.vocab.unknown]!)}'): ${[...new Set([...trace.unknown].map((s) => chars[s]!))].map((c) => `'${showChar(c)}'`).join(' ')}.`);
    if (all.length === 0) notes.push('The text is empty: reading a single space.');
    const bits = surprise.filter(Number.isFinite);
    notes.push(`Mean surprise ${(bits.reduce((a, b) => a + b, 0) / Math.max(1, bits.length)).toFixed(2)} bits per character.`);
    textNote.textContent = notes.join(' ');
    scrub.max = String(trace.T - 1);
    for (const o of Array.from(signal.options)) o.hidden = o.disabled = !(o.value === 'h' || (o.value === 'c' && trace.c) || o.value in trace.gates);
    if (signal.selectedOptions[0]?.disabled) signal.value = trace.c ? 'c' : 'h';
    reorder();
    drawLegend(scaleFor(signal.value));
    colourText();
    go(0);
  };
  for (const [k, label] of Object.entries(SIGNALS)) signal.add(new Option(label, k));

  picker.addEventListener('change', () => {
    input.value = SAMPLE_TEXTS[Number(picker.value)]!.text;
    run();
  });
  q('#run-text').addEventListener('click', run);
  playBtn.addEventListener('click', () => (timer === null ? play() : pause()));
  q('#step-back').addEventListener('click', () => go(t - 1));
  q('#step-fwd').addEventListener('click', () => go(t + 1));
  scrub.addEventListener('input', () => go(Number(scrub.value)));
  signal.addEventListener('change', () => {
    reorder();
    drawLegend(scaleFor(signal.value));
    render();
  });
  unitsPick.addEventListener('change', () => (reorder(), render()));
  colourBy.addEventListener('change', colourText);
  heatmap.onPick((u, s) => {
    if (u !== null && u !== unit) {
      unit = u;
      colourText();
    }
    go(s);
  });
  textView.onPick(go);
  window.addEventListener('resize', render);
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement | null;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target !== scrub) return;
    // Space on a focused button presses that button; arrows still step.
    if (e.key === ' ' && target?.tagName === 'BUTTON') return;
    // Keys step the text when panel 1 or the cell (which follows it) is on screen.
    const view = document.body.dataset.view;
    if (view !== undefined && view !== 'step' && view !== 'cell') return;
    const keys: Record<string, () => void> = {
      ArrowRight: () => go(t + 1), ArrowLeft: () => go(t - 1), Home: () => go(0), End: () => go(Number.MAX_SAFE_INTEGER),
      ' ': () => (timer === null ? play() : pause()),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  });

  return {
    setModel(m) {
      model = m;
      run();
    },
    selectUnit(u) {
      if (!trace || u === unit || u < 0 || u >= trace.H) return;
      unit = u;
      if (!order.includes(u)) order = [u, ...order.slice(0, -1)];
      colourText();
      render();
    },
    step(delta) {
      go(t + delta);
    },
    onChange(l) {
      listeners.push(l);
    },
  };
}
