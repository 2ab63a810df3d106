// The logs explorer's logic in Node, against the CLI: for a checkpoint trained by `recur train
// --task logs`, every session's verdict, first unexpected event and ranks as the page computes
// them (explainSession through web/src/logs-model.ts) are `recur detect --json`'s, under the
// checkpoint's default rule and under --top g; pasted text is read as detect reads it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { explainSession } from '../../src/index.js';
import { logsModelFromBytes, rulesOf, ruleText } from '../../web/src/logs-model.js';
import { exampleSessions, readSessions, UNSEEN_EVENT } from '../../web/src/logs-sessions.js';
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
