import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import type { LogSession } from '../../src/data/logs/sessions.js';
import { chooseThreshold, detectSessions, scoreSessions } from '../../src/tasks/log-detect.js';
import { LogsTask } from '../../src/tasks/logs.js';
import { detectStream } from '../../src/cli/detect.js';
import type { ClosedSession } from '../../src/tasks/log-stream.js';
import { makeOptimizer } from '../../src/training/optimizer-factory.js';
import { Trainer } from '../../src/training/trainer.js';

// A tiny system: a block is opened, read or written, and closed. Anomalies: a close with
// nothing in between, a session that stops after its read, an event never seen in training.
const [OPEN, READ, WRITE, CLOSE, DELETE] = ['open <*>', 'read <*>', 'write <*>', 'close <*>', 'delete <*>'];
const sessions: LogSession[] = [];
for (let i = 0; i < 60; i++) sessions.push({ session: `n${i}`, events: [OPEN, i % 2 ? READ : WRITE, CLOSE], label: 'normal' });
for (let i = 0; i < 10; i++) sessions.push({ session: `a${i}`, events: i % 3 === 0 ? [OPEN, CLOSE] : i % 3 === 1 ? [OPEN, READ] : [OPEN, DELETE, CLOSE], label: 'anomaly' });

async function trainedTask(): Promise<LogsTask> {
  const task = new LogsTask(sessions, { model: { cell: 'lstm', hiddenSize: 12, numLayers: 1, dropout: 0, embeddingDim: 6 }, history: 3, batchSize: 16, valFraction: 0.2, testFraction: 0.3, seed: 3 });
  const optimizer = makeOptimizer('adam', task.model.namedParameters(), 0.03);
  await new Trainer(task, optimizer, { epochs: 40, evalEvery: 0 }).run();
  return task;
}
const taskPromise = trainedTask();

test('logs task: trained on normal sessions only; anomalies split between validation and test', async () => {
  const task = await taskPromise;
  assert.equal(task.split.train.length, 30);
  assert.ok(task.split.train.every((s) => s.label === 'normal'));
  assert.equal(task.split.validation.filter((s) => s.label === 'anomaly').length + task.split.test.filter((s) => s.label === 'anomaly').length, 10);
  assert.equal(task.batchesPerEpoch(), Math.ceil((30 * 4) / 16)); // 4 next events a session: 3 events and END
  assert.throws(() => new LogsTask(sessions.slice(60), task.options), /all 10 sessions are labelled anomalies; training needs normal sessions/);
});

test('detection: the first unexpected event, its rank, and exactly the events expected instead', async () => {
  const m = (await taskPromise).eventModel;
  const p = { kind: 'probability', p: 0.05 } as const;
  const [normal, skipped, early, unknown] = detectSessions(m, [
    { session: 'ok', events: [OPEN, READ, CLOSE] },
    { session: 'skip', events: [OPEN, CLOSE] },
    { session: 'early', events: [OPEN, READ] },
    { session: 'new', events: [OPEN, DELETE, CLOSE] },
  ], p);
  assert.deepEqual(normal, { session: 'ok', anomalous: false });
  assert.equal(skipped!.position, 2);
  assert.equal(skipped!.event, CLOSE);
  assert.deepEqual([...skipped!.expected!].sort(), [READ, WRITE]);
  assert.equal(early!.position, 3);
  assert.equal(early!.event, '<end>');
  assert.deepEqual(early!.expected, [CLOSE]);
  assert.equal(unknown!.position, 2);
  assert.equal(unknown!.rank, Infinity);
  assert.equal(unknown!.probability, 0);
  // Unknown events are anomalous under any threshold, even p = 0.
  assert.equal(detectSessions(m, [{ session: 'new', events: [OPEN, DELETE, CLOSE] }], { kind: 'probability', p: 0 })[0]!.position, 2);
  // An unknown event has no likelihood: the validation NLL stays finite (it is over the 3 known next events).
  const [scored] = scoreSessions(m, [[OPEN, DELETE, CLOSE]]);
  assert.equal(scored!.steps, 3);
  assert.ok(Number.isFinite(scored!.nll) && scored!.least === 0 && scored!.worst === Infinity);
  // Top-2 after 'open' is {read, write}: the skip is caught outside it.
  const top = detectSessions(m, [{ session: 'skip', events: [OPEN, CLOSE] }], { kind: 'top', g: 2 })[0]!;
  assert.ok(top.rank! > 2);
  assert.deepEqual([...top.expected!].sort(), [READ, WRITE]);
});

test('evaluate: the probability threshold separates what top-g cannot, beside both baselines and the ceiling', async () => {
  const r = (await taskPromise).evaluate();
  assert.equal(r.ceiling_f1, 1);
  assert.equal(r.unseen_f1, 1);
  assert.equal(r.f1, 1);
  // 'open read' then END: END is the 2nd most likely after 'read' (after close), and write is
  // 2nd after 'open' in normal sessions, so no g flags the early stop without flagging normal
  // ones: top-g (recur's and the n-gram's) misses the 2 early stops among the 6 test anomalies.
  assert.equal(r.test_anomalies, 6);
  assert.equal(r.top_g_f1, 0.8);
  assert.equal(r.ngram_f1, 0.8);
  assert.equal(r.test_anomalies, (await taskPromise).split.test.filter((s) => s.label === 'anomaly').length);
});

test('chooseThreshold: best validation F1 with the fewest flags; without anomalies, at most 1% false alarms', () => {
  const scores = [{ worst: 1, least: 0.9 }, { worst: 2, least: 0.3 }, { worst: 4, least: 0.01 }, { worst: 6, least: 0.001 }];
  const labels = [false, false, true, true];
  assert.deepEqual(chooseThreshold('top', scores, labels, 8), { threshold: { kind: 'top', g: 3 }, rule: 'validation-f1', value: 1 });
  // Between 0.01 (flagged) and 0.3 (not): their geometric mean.
  const p = chooseThreshold('probability', scores, labels, 8);
  assert.equal(p.value, 1);
  assert.ok(p.threshold.kind === 'probability' && Math.abs(p.threshold.p - Math.sqrt(0.01 * 0.3)) < 1e-12);
  // 200 normal sessions: 1% is 2 flags, so g = 5 (flags the two with rank 6 and 7), not 4.
  const normal = Array.from({ length: 200 }, (_, i) => ({ worst: i < 1 ? 7 : i < 2 ? 6 : i < 5 ? 5 : 1, least: 0.5 }));
  assert.deepEqual(chooseThreshold('top', normal, normal.map(() => false), 8), { threshold: { kind: 'top', g: 5 }, rule: 'false-alarms', value: 0.01 });
  // By probability: p at the value of the 3rd least likely session spares it and flags the 2 below.
  const byP = normal.map((x, i) => ({ ...x, least: i < 1 ? 1e-5 : i < 2 ? 1e-4 : i < 5 ? 0.2 : 0.5 }));
  assert.deepEqual(chooseThreshold('probability', byP, byP.map(() => false), 8), { threshold: { kind: 'probability', p: 0.2 }, rule: 'false-alarms', value: 0.01 });
  // Too few sessions for 1% to allow a flag: p at the least likely one, not 0 (which would pass anything).
  assert.deepEqual(chooseThreshold('probability', byP.slice(0, 50), byP.slice(0, 50).map(() => false), 8).threshold, { kind: 'probability', p: 1e-5 });
});

test('streaming detect from a readable stream: the same verdicts as whole sessions, closed by end event, idleness or eviction', async () => {
  const m = (await taskPromise).eventModel;
  const threshold = { kind: 'probability', p: 0.05 } as const;
  const batch = detectSessions(m, sessions, threshold);
  // Events of every session interleaved (70 lines between two events of a session), one JSON
  // event a line, in chunks that cut lines; idle 80 closes early stops that end 80 lines before the input.
  const lines: string[] = [];
  const anomaliesFirst = [...sessions.slice(60), ...sessions.slice(0, 60)];
  for (let t = 0; t < 3; t++) for (const s of anomaliesFirst) if (t < s.events.length) lines.push(JSON.stringify({ session: s.session, event: s.events[t] }));
  const text = lines.join('\n') + '\n';
  const chunks = Array.from({ length: Math.ceil(text.length / 97) }, (_, i) => Buffer.from(text.slice(i * 97, (i + 1) * 97)));
  const got: ClosedSession[] = [];
  await detectStream(Readable.from(chunks), m, { threshold, endEvent: '^close', idle: 80, source: 'test' }, (d) => got.push(d));
  assert.equal(got.length, sessions.length);
  const byId = new Map(got.map((d) => [d.session, d]));
  for (const b of batch) {
    const { closed, events, probability, ...verdict } = byId.get(b.session)!;
    // One session at a time (batch 1) rounds differently from the batched pass.
    const { probability: want, ...rest } = b;
    assert.deepEqual(verdict, rest, b.session);
    assert.ok(Math.abs((probability ?? 0) - (want ?? 0)) < 1e-6);
    const endsWithClose = sessions.find((s) => s.session === b.session)!.events.at(-1) === CLOSE;
    assert.ok(endsWithClose ? closed === 'end-event' : closed === 'idle' || closed === 'input-end', `${b.session} ${closed}`);
    assert.ok(events >= 2);
  }
  assert.ok(got.filter((d) => d.closed === 'idle').length >= 1);
  // At most 5 open sessions: the idlest are closed unjudged at their end ('evicted').
  const evicted: ClosedSession[] = [];
  await detectStream(Readable.from([text]), m, { threshold, maxOpen: 5, source: 'test' }, (d) => evicted.push(d));
  // 70 sessions between two events of one: every event finds its session evicted and opens it again.
  assert.equal(evicted.length, lines.length);
  assert.equal(evicted.filter((d) => d.closed === 'input-end').length, 5);
  assert.ok(evicted.filter((d) => d.closed === 'evicted').every((d) => d.events === 1));
});

test('streaming detect on raw log lines: templates matched, sessions by id, the unknown event flagged', async () => {
  const m = (await taskPromise).eventModel;
  const raw = ['open blk_1', 'open blk_2', 'read blk_1', 'delete blk_2', 'close blk_1', 'close blk_2'].join('\n');
  const got: ClosedSession[] = [];
  await detectStream(Readable.from([raw]), m, { threshold: { kind: 'probability', p: 0.05 }, session: 'blk_\\d+', format: '<Content>', source: 'raw' }, (d) => got.push(d));
  assert.deepEqual(got.map((d) => [d.session, d.anomalous, d.position ?? null, d.event ?? null]), [['blk_1', false, null, null], ['blk_2', true, 2, DELETE]]);
  await assert.rejects(detectStream(Readable.from(['open blk_1\n']), m, { threshold: { kind: 'top', g: 2 }, source: 'raw' }, () => {}), /line 1 is not JSON; raw log lines need --session/);
  await assert.rejects(detectStream(Readable.from(['{"session": 1}\n']), m, { threshold: { kind: 'top', g: 2 }, source: 's' }, () => {}), /s: line 1: expected \{"session", "events"/);
});
