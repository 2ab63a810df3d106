// The optional supervised logs detector (`recur train --task logs --supervised`): a recurrent
// classifier of whole sessions over event ids, on the DeepLog task's test part, reaching F1 1
// where anomalies differ from normal sessions by one event or by their order; bad input named.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, after } from 'node:test';
import type { LogSession } from '../../src/data/logs/sessions.js';
import { LogsTask } from '../../src/tasks/logs.js';
import { chooseCut, LogsClassifierTask } from '../../src/tasks/logs-supervised.js';
import { makeOptimizer } from '../../src/training/optimizer-factory.js';
import { Trainer } from '../../src/training/trainer.js';
import { recurInProcess } from '../helpers/cli-in-process.js';
import { serveViz } from '../../src/cli/viz.js';

// Normal: open, read or write, close. Anomalous: a retry before the close (one event more),
// or the close before the read or write (the same events, out of order).
const [OPEN, READ, WRITE, CLOSE, RETRY] = ['open <*>', 'read <*>', 'write <*>', 'close <*>', 'retry <*>'];
const sessions: LogSession[] = [];
for (let i = 0; i < 120; i++) sessions.push({ session: `n${i}`, events: [OPEN, i % 2 ? READ : WRITE, CLOSE], label: 'normal' });
for (let i = 0; i < 30; i++) sessions.push({ session: `a${i}`, events: i % 3 ? [OPEN, i % 2 ? READ : WRITE, RETRY, CLOSE] : [OPEN, CLOSE, i % 2 ? READ : WRITE], label: 'anomaly' });
const options = { model: { cell: 'lstm' as const, hiddenSize: 12, numLayers: 1, dropout: 0, embeddingDim: 6 }, history: 10, batchSize: 16, valFraction: 0.2, testFraction: 0.3, seed: 0 };
const dir = mkdtempSync(join(tmpdir(), 'recur-logs-sup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('supervised: the DeepLog split\'s test part; training gets labelled anomalies from half its validation part', () => {
  const task = new LogsClassifierTask(sessions, options);
  const deeplog = new LogsTask(sessions, options);
  assert.deepEqual(task.split.test.map((s) => s.session), deeplog.split.test.map((s) => s.session));
  // 120 normal: 60 train, 24 validation, 36 test; 30 anomalies: 12 validation, 18 test (DeepLog's).
  // Half of the validation part joins training: 12 normal and 6 anomalies.
  assert.equal(task.split.train.length, 60 + 12 + 6);
  assert.equal(task.split.train.filter((s) => s.label === 'anomaly').length, 6);
  assert.equal(task.split.validation.length, 12 + 6);
  const seen = new Set([...task.split.train, ...task.split.validation, ...task.split.test].map((s) => s.session));
  assert.equal(seen.size, sessions.length, 'every session in exactly one part');
});

test('supervised: F1 1 on the test part where anomalies differ by one event or by order', async () => {
  const task = new LogsClassifierTask(sessions, options);
  await new Trainer(task, makeOptimizer('adam', task.model.namedParameters(), 0.03), { epochs: 30, evalEvery: 0 }).run();
  const r = task.evaluate();
  assert.equal(r.test_anomalies, 18);
  assert.equal(r.ceiling_f1, 1);
  assert.equal(r.f1, 1);
  assert.equal(r.flagged, 18);
  const p = task.anomalyProbabilities(task.split.test);
  assert.ok(task.split.test.every((s, i) => (s.label === 'anomaly') === p[i]! >= (r.supervised_cut as number)));
});

test('supervised: sessions without labels, or without anomalies, get a clear error', () => {
  const unlabelled = sessions.map((s, i) => (i === 5 ? { session: s.session, events: s.events } : s));
  assert.throws(() => new LogsClassifierTask(unlabelled, options), /--supervised needs every session labelled "normal" or "anomaly"; session 'n5' has no label/);
  assert.throws(() => new LogsClassifierTask(sessions.slice(0, 120), options), /needs normal and anomalous sessions .* got 0 anomalies among 120/);
  assert.throws(() => new LogsClassifierTask(sessions.slice(0, 123), options), /at least 4 anomalies .* got 3 anomalies among 123/);
});

test('chooseCut: the best F1 on validation, halfway between two probabilities', () => {
  assert.deepEqual(chooseCut([0.1, 0.9, 0.4], [false, true, false]), { cut: 0.65, f1: 1 });
  // 0.9 and 0.4 anomalous, 0.5 normal: flagging 0.9 alone gives F1 2/3, down to 0.4 gives 0.8.
  const r = chooseCut([0.9, 0.5, 0.4, 0.1], [true, false, true, false]);
  assert.equal(r.cut, 0.25);
  assert.ok(Math.abs(r.f1 - 0.8) < 1e-12);
});

test('recur train --task logs --supervised, recur eval --json; detect and viz refuse it; --supervised is for logs only', async () => {
  const data = join(dir, 'sup.jsonl');
  writeFileSync(data, sessions.map((s) => JSON.stringify(s)).join('\n') + '\n');
  const run = join(dir, 'run');
  const t = await recurInProcess('train', data, '--task', 'logs', '--supervised', '--epochs', '30', '--hidden', '12', '--layers', '1', '--embedding', '6', '--batch', '16', '--lr', '0.03', '--out', run, '--json');
  assert.equal(t.status, 0, t.err);
  const e = await recurInProcess('eval', run, '--json');
  assert.equal(e.status, 0, e.err);
  const m = JSON.parse(e.out) as Record<string, number>;
  assert.equal(m.f1, 1);
  assert.equal(m.ceiling_f1, 1);
  for (const k of ['supervised_cut', 'precision', 'recall', 'ngram_f1', 'unseen_f1', 'separable_recall']) assert.equal(typeof m[k], 'number', k);
  const d = await recurInProcess('detect', run, data);
  assert.notEqual(d.status, 0);
  assert.match(d.err, /holds a supervised session classifier \(--supervised\), scored with 'recur eval'/);
  await assert.rejects(serveViz(run), /holds a supervised logs model; the visualiser reads .* next-event logs models/);
  const c = await recurInProcess('train', data, '--task', 'classify', '--supervised', '--out', join(dir, 'x'));
  assert.notEqual(c.status, 0);
  assert.match(c.err, /--supervised is for --task logs only/);
});
