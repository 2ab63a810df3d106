// The logs explorer's logic in Node, against the CLI: for a checkpoint trained by `recur train
// --task logs`, every session's verdict, first unexpected event and ranks as the page computes
// them (explainSession through web/src/logs-model.ts) are `recur detect --json`'s, under the
// checkpoint's default rule and under --top g; pasted text is read as detect reads it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainSession } from '../../src/index.js';
import { isLogsConfig, logsModelFromBytes, rulesOf, ruleText } from '../../web/src/logs-model.js';
import { exampleSessions, MAX_EVENTS, MAX_TEXT_BYTES, PARSE_COMMAND, RawLogLinesError, readSessions, tooLarge, UNSEEN_EVENT } from '../../web/src/logs-sessions.js';
import { recur, repoRoot } from '../helpers/cli.js';
import { cliDetections, makeLogsFixture } from './logs-fixture.js';

const f = makeLogsFixture();
after(() => rmSync(f.dir, { recursive: true, force: true }));
const m = logsModelFromBytes(JSON.parse(readFileSync(join(f.run, 'config.json'), 'utf8')), readFileSync(join(f.run, 'model.safetensors')), `${f.run}/`);

test('a logs checkpoint opens in the page with both rules it was trained with', () => {
  const [def, top] = rulesOf(m);
  assert.deepEqual(def!.threshold, m.encoding.threshold.threshold);
  assert.equal(def!.threshold.kind, 'probability');
  assert.deepEqual(top!.threshold, m.encoding.top.threshold);
  assert.equal(top!.threshold.kind, 'top');
  assert.match(ruleText({ kind: 'top', g: 9 }), /outside the top 9/);
  assert.equal(m.events.history, 10);
  assert.throws(() => logsModelFromBytes({ version: 1 }, new Uint8Array(), 'x/'), /x\/config\.json/);
});

test("every session's verdict and ranks in the page are recur detect's, under the default rule and under --top g", () => {
  const rules = rulesOf(m);
  const g = (rules[1]!.threshold as { g: number }).g;
  const cases = [
    { threshold: rules[0]!.threshold, cli: cliDetections(f) },
    ...[1, 2, g].map((k) => ({ threshold: { kind: 'top', g: k } as const, cli: cliDetections(f, ['--top', String(k)]) })),
  ];
  for (const { threshold, cli } of cases) {
    let anomalous = 0;
    for (const s of f.sessions) {
      const x = explainSession(m.events, s, threshold);
      const d = cli.get(s.session)!;
      assert.equal(x.events.length, s.events.length + 1, 'each event and the end');
      // Identical but for the probability's float32 round-off: detect runs many sessions in one
      // batch, the page one, and the kernels' sums over a batch block group differently.
      const { rank, probability, ...rest } = x.detection;
      const { probability: cliP, ...cliRest } = d;
      const where = `${s.session} ${ruleText(threshold)}`;
      assert.deepEqual({ ...rest, ...(rank === undefined ? {} : { rank: rank === Infinity ? null : rank }) }, cliRest, where);
      if (probability === undefined || cliP === undefined) assert.equal(probability, cliP, where);
      else assert.ok(Math.abs(probability - cliP) <= 1e-6 * cliP, `${where}: p ${probability} vs ${cliP}`);
      // The first event the page marks unexpected is the one detect reports, with its rank.
      const first = x.events.find((e) => e.unexpected);
      assert.equal(first?.position, d.position, s.session);
      if (first) assert.equal(first.rank === Infinity ? null : first.rank, d.rank);
      // Under top-g every rank before it is within g: the ranks agree event by event.
      if (threshold.kind === 'top') assert.equal(x.events.findIndex((e) => e.rank > threshold.g) + 1 || undefined, d.position);
      if (d.anomalous) anomalous++;
    }
    // Not vacuous: the default rule flags some sessions and passes others (top 1 flags all).
    if (threshold === rules[0]!.threshold) assert.ok(anomalous > 0 && anomalous < f.sessions.length, `${ruleText(threshold)}: ${anomalous} anomalous of ${f.sessions.length}`);
    else assert.ok(anomalous > 0);
  }
});

test('explained events: probabilities, the expected list, and one hidden state per event', () => {
  const s = f.sessions[0]!;
  const x = explainSession(m.events, s, rulesOf(m)[0]!.threshold);
  assert.equal(x.hidden.length, x.events.length * x.H);
  assert.equal(x.H, 16);
  for (const e of x.events) {
    assert.equal(e.top.length, 5);
    assert.ok(e.top.every((t, i) => i === 0 || t.probability <= e.top[i - 1]!.probability));
    // Rank 1 is the top event; its probability is the largest.
    if (e.rank === 1) assert.equal(e.top[0]!.event, e.event === '<end>' ? '<end>' : e.event);
    assert.ok(e.probability > 0 && e.probability <= e.top[0]!.probability + 1e-7);
  }
  assert.ok(x.hidden.every((v) => Math.abs(v) < 1) && x.hidden.some((v) => v !== 0));
});

test('made-up sessions: the most expected one ranks 1 throughout; an unseen event is flagged where it is', () => {
  const t = rulesOf(m)[0]!.threshold;
  const [typical, cut, unseen] = exampleSessions(m.events, t);
  assert.ok(typical!.events.length >= 5, `${typical!.events.length} events`);
  assert.ok(typical!.events.every((e) => m.events.vocab.events.includes(e)));
  const ranks = explainSession(m.events, typical!, { kind: 'top', g: 1 }).events.map((e) => e.rank);
  // Each event is the most likely next one; so is the end, unless the 40-event cap came first.
  assert.deepEqual(ranks.slice(0, -1), Array(typical!.events.length).fill(1));
  if (typical!.events.length < 40) assert.equal(ranks.at(-1), 1);
  assert.equal(cut!.events.length, Math.floor(typical!.events.length / 2));
  const d = explainSession(m.events, unseen!, t).detection;
  assert.equal(d.position, cut!.events.length + 1);
  assert.equal(d.event, UNSEEN_EVENT);
  assert.equal(d.rank, Infinity);
});

test('pasted text: session lines, event lines grouped by session, plain template lines; bad lines named', () => {
  const { sessions } = readSessions('{"session": "b1", "events": ["E5", "E22"], "label": "anomaly"}\n{"session": 7, "event": "E1"}\nE5\nE11\n\nE9\n{"session": 7, "event": 3}\n');
  assert.deepEqual(sessions, [
    { session: 'b1', events: ['E5', 'E22'], label: 'anomaly' },
    { session: '7', events: ['E1', '3'] },
    { session: 'pasted 3', events: ['E5', 'E11'] },
    { session: 'pasted 4', events: ['E9'] },
  ]);
  assert.throws(() => readSessions('E1\n{"session": "b"'), /line 2 is not valid JSON/);
  assert.throws(() => readSessions('{"session": ["x"], "events": []}'), /line 1: "session" must be a string or number/);
  assert.throws(() => readSessions('{"session": "x", "events": [{}]}'), /line 1: events must be strings or numbers/);
  assert.throws(() => readSessions('{"session": "x"}'), /line 1: expected \{"session", "events": \[...\]\}/);
  assert.throws(() => readSessions('\n\n'), /no sessions/);
  const many = readSessions(Array.from({ length: 5003 }, (_, i) => JSON.stringify({ session: i, events: ['E1'] })).join('\n'));
  assert.equal(many.sessions.length, 5000);
  assert.equal(many.skipped, 3);
});

test('raw log lines are not read as one giant session: the page names recur parse, and its output reads', () => {
  const known = new Set(m.events.vocab.events);
  // loghub's HDFS_2k.log (notice in data/logs/loghub_2k/LICENSE): raw lines, no template of the checkpoint.
  const raw = readFileSync(join(repoRoot, 'data/logs/loghub_2k/HDFS_2k.log'), 'utf8').split('\n').slice(0, 20).join('\n') + '\n';
  assert.throws(
    () => readSessions(raw, known),
    (e: unknown) => e instanceof RawLogLinesError && e.unknown === 20 && e.plain === 20 && /20 of 20 plain lines are not event templates/.test(e.message) && e.message.includes("recur parse FILE --session 'blk_-?\\d+' --out sessions.jsonl"),
  );
  // The command as the page shows it, run on those lines: its output is sessions the page reads.
  const rawFile = join(f.dir, 'raw.log');
  const out = join(f.dir, 'parsed.jsonl');
  writeFileSync(rawFile, raw);
  const [cmd, ...args] = PARSE_COMMAND.split(' ');
  assert.equal(cmd, 'recur');
  const r = recur(args.map((a) => (a === 'FILE' ? rawFile : a === 'sessions.jsonl' ? out : a.replace(/^'|'$/g, ''))));
  assert.equal(r.status, 0, r.stderr);
  const parsed = readSessions(readFileSync(out, 'utf8'), known).sessions;
  assert.equal(parsed.length, Number(/, (\d+) sessions/.exec(r.stderr)![1]));
  assert.ok(parsed.length >= 10 && parsed.every((s) => /^blk_-?\d+$/.test(s.session)), `${parsed.length} sessions`);
  // Templates with one line training never saw are a session (that line is the finding), not a raw log.
  const s = f.sessions[0]!;
  const mixed = readSessions([...s.events.slice(0, 3), 'an event training never saw', ...s.events.slice(3)].join('\n'), known).sessions;
  assert.equal(mixed.length, 1);
  assert.equal(mixed[0]!.events.length, s.events.length + 1);
});

test('a session longer than MAX_EVENTS is cut when read; its ranks and first unexpected event are still detect\'s', () => {
  assert.equal(MAX_EVENTS, 2000);
  const normal = f.sessions.filter((s) => s.label !== 'anomaly');
  const fill = (head: string[], n: number) => {
    const out = [...head];
    for (let i = 0; out.length < n; i++) out.push(...normal[i % normal.length]!.events);
    return out.slice(0, n);
  };
  // Early: a session detect flags before its end, at the start; late: an event training never saw at 3000.
  const flagged = cliDetections(f);
  const head = f.sessions.find((s) => flagged.get(s.session)!.anomalous && flagged.get(s.session)!.event !== '<end>')!;
  const early = { session: 'long-early', events: fill(head.events, 5000) };
  const lateEvents = fill([], 5000);
  lateEvents[2999] = UNSEEN_EVENT;
  const late = { session: 'long-late', events: lateEvents };
  const file = join(f.dir, 'long.jsonl');
  // One event a line: detect cuts a line at 16,384 characters, and a 5,000-event session line is longer.
  writeFileSync(file, [early, late].flatMap((s) => s.events.map((e) => JSON.stringify({ session: s.session, event: e }))).join('\n') + '\n');
  const read = readSessions(readFileSync(file, 'utf8'), new Set(m.events.vocab.events)).sessions;
  assert.deepEqual(read.map((s) => [s.events.length, s.dropped]), [[2000, 3000], [2000, 3000]]);
  assert.deepEqual(read[0]!.events, early.events.slice(0, 2000));

  const def = rulesOf(m)[0]!.threshold;
  const V = m.events.vocab.size;
  const all: typeof def = { kind: 'top', g: V }; // every known event within: only an unseen one is unexpected
  for (const [t, extra] of [[def, []], [all, ['--top', String(V)]]] as const) {
    const cli = cliDetections(f, [...extra], file);
    for (const [i, s] of read.entries()) {
      const x = explainSession(m.events, s, t, 5, 300);
      const full = explainSession(m.events, i === 0 ? early : late, t, 1, 0);
      // No end for a cut session: one row per kept event, with the full session's ranks.
      assert.equal(x.events.length, 2000);
      assert.deepEqual(x.events.map((e) => e.rank), full.events.slice(0, 2000).map((e) => e.rank));
      assert.equal(x.hiddenRows, 300);
      assert.equal(x.hidden.length, 300 * x.H);
      const d = cli.get(s.session)!;
      if (d.position! <= 2000) {
        assert.deepEqual([x.detection.anomalous, x.detection.position, x.detection.event, x.detection.rank === Infinity ? null : x.detection.rank], [true, d.position, d.event, d.rank], `${s.session} ${ruleText(t)}`);
      } else assert.equal(x.detection.anomalous, false, `${s.session} ${ruleText(t)}: detect flags event ${d.position}, past the 2000 read`);
    }
    // Not vacuous: the default rule flags the early session within the cut; top-V flags the late one past it.
    if (t === def) assert.ok(cli.get('long-early')!.position! <= 2000, `long-early: ${cli.get('long-early')!.position}`);
    else assert.deepEqual([cli.get('long-late')!.position, cli.get('long-late')!.rank], [3000, null]);
  }
  // Hidden states for the first 300 events only, the same as computed for all.
  const x300 = explainSession(m.events, read[0]!, def, 1, 300);
  const xAll = explainSession(m.events, read[0]!, def, 1);
  assert.equal(xAll.hiddenRows, 2000);
  const diff = x300.hidden.reduce((a, v, k) => Math.max(a, Math.abs(v - xAll.hidden[k]!)), 0);
  assert.ok(diff <= 1e-6, `hidden states differ by ${diff}`);
});

test('reading stops keeping events past the caps; files and pastes over the size cap are named', () => {
  // Event lines of 5003 sessions, two each: the last 3 are counted once each and keep nothing.
  const lines = Array.from({ length: 5003 }, (_, i) => [i, i]).flat().map((i) => JSON.stringify({ session: i, event: 'E1' }));
  const r = readSessions(lines.join('\n'));
  assert.equal(r.sessions.length, 5000);
  assert.equal(r.skipped, 3);
  assert.ok(r.sessions.every((s) => s.events.length === 2));
  const long = readSessions(Array.from({ length: 2005 }, () => '{"session": "a", "event": "E1"}').join('\n')).sessions;
  assert.deepEqual([long[0]!.events.length, long[0]!.dropped], [2000, 5]);
  const plain = readSessions(Array.from({ length: 2003 }, () => 'E1').join('\n')).sessions;
  assert.deepEqual([plain[0]!.events.length, plain[0]!.dropped], [2000, 3]);
  assert.equal(tooLarge('big.jsonl', MAX_TEXT_BYTES), null);
  assert.match(tooLarge('big.jsonl', 40 * 1024 * 1024)!, /big\.jsonl is 40\.0 MB; the page reads at most 16\.0 MB: .*recur detect RUN FILE/);
});

test('a --supervised logs checkpoint is named as a session classifier, not the next-event model', () => {
  const run = join(f.dir, 'supervised');
  const r = recur(['train', f.sessionsFile, '--task', 'logs', '--supervised', '--epochs', '1', '--hidden', '8', '--layers', '1', '--seed', '1', '--out', run, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const config: unknown = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  assert.equal(isLogsConfig(config), true, 'a dropped supervised checkpoint reaches the logs loader');
  assert.throws(
    () => logsModelFromBytes(config, readFileSync(join(run, 'model.safetensors')), `${run}/`),
    /supervised\/ holds a supervised session classifier \(recur train --task logs --supervised\).*the explorer needs the next-event model: train with recur train FILE --task logs, without --supervised/,
  );
});
