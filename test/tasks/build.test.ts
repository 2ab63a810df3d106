import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTask,
  CharLmTask,
  defaultValFraction,
  resolveSpec,
  classify,
  ClassifyTask,
  forecastAhead,
  ForecastTask,
  FormatError,
  modelFromSpec,
  nextCharacters,
  Rng,
  setBackend,
  type TaskSpec,
} from '../../src/index.js';

setBackend('js');

const utf8 = (s: string) => new TextEncoder().encode(s);
const model = { cell: 'gru' as const, hiddenSize: 8, numLayers: 1, dropout: 0, embeddingDim: 4 };
const base = { model, batchSize: 8, seed: 3, valFraction: 0.1, testFraction: 0.2, seqLen: 16 };

function growingCsv(n: number): { csv: string; y: number[] } {
  const rng = new Rng(4);
  const y = Array.from({ length: n }, (_, t) => +(100 * 1.02 ** t * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 12)) * (1 + 0.01 * rng.normal())).toFixed(3));
  const rows = y.map((v, t) => `2020-${String(1 + (t % 12)).padStart(2, '0')}-01,${v},${(t % 12) + 1}`);
  return { csv: `date,sales,month_no\r\n${rows.join('\r\n')}\r\n`, y };
}

test('buildTask forecast: default column skips dates, auto picks log, a checkpointed model forecasts the same', () => {
  const { csv, y } = growingCsv(120);
  const spec: TaskSpec = { ...base, kind: 'forecast', column: 'sales', window: 12, horizon: 3, transform: 'auto' };
  const task = buildTask(spec, utf8(csv), 'sales.csv') as ForecastTask;
  assert.ok(task instanceof ForecastTask);
  assert.equal(task.encoding.transform, 'log');
  assert.deepEqual([...task.series.y], y);
  assert.equal(task.season, 12);
  const report = task.evaluate();
  assert.ok(Number.isFinite(report.rmse as number) && Number.isFinite(report.rmse_h3 as number));
  // without --column the last non-date column is used
  const noCol = buildTask({ ...spec, column: undefined }, utf8('date,sales\n' + y.map((v, t) => `${t},${v}`).join('\n')), 's.csv') as ForecastTask;
  assert.deepEqual(noCol.series.names, ['sales']);
  // a checkpoint: the spec plus describe() rebuild the model; with the weights, forecasts agree
  const saved = JSON.parse(JSON.stringify(task.describe())) as Record<string, unknown>;
  const loaded = modelFromSpec(spec, saved, 'ckpt');
  assert.equal(loaded.kind, 'forecast');
  if (loaded.kind !== 'forecast') return;
  loaded.model.loadStateDict(task.model.stateDict());
  const direct = task.forecastNext();
  const again = forecastAhead(loaded.model, loaded.encoding, Float64Array.from(y), [], loaded.window, 3);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(direct[k]! - again[k]!) < 1e-9 * Math.abs(direct[k]!), `step ${k}: ${direct[k]} vs ${again[k]}`);
  // rebuilt on the same file with the saved encoding, the task encodes identically
  const resumed = buildTask(spec, utf8(csv), 'sales.csv', { encoding: saved.encoding }) as ForecastTask;
  assert.deepEqual(resumed.encoding, task.encoding);
  // a log model on new data holding a zero: an error, not NaN metrics
  const withZero = csv.replace(/\r\n(2020-\d\d-01),[\d.]+,(\d+)\r\n/, '\r\n$1,0,$2\r\n');
  assert.notEqual(withZero, csv);
  assert.throws(() => buildTask(spec, utf8(withZero), 'z.csv', { encoding: saved.encoding }), (e: unknown) => e instanceof FormatError && /z\.csv: this model works on log values and column 'sales' holds a value <= 0/.test(e.message));
});

test('buildTask forecast: an extra column limits forecasts to the horizon; a missing value names the row', () => {
  const { csv } = growingCsv(80);
  const spec: TaskSpec = { ...base, kind: 'forecast', column: 'sales', features: ['month_no'], window: 6, horizon: 2, transform: 'none' };
  const task = buildTask(spec, utf8(csv), 'x.csv') as ForecastTask;
  assert.equal(task.encoding.extras.length, 1);
  assert.throws(
    () => forecastAhead(task.model, task.encoding, task.series.y, task.series.extras, 6, 3),
    (e: unknown) => e instanceof FormatError && /predicts 2 steps and reads extra columns/.test(e.message),
  );
  assert.equal(forecastAhead(task.model, task.encoding, task.series.y, task.series.extras, 6, 2).length, 2);
  const holes = csv.replace(/\r\n(2020-0\d-01),[\d.]+,(\d+)\r\n/, '\r\n$1,,$2\r\n');
  assert.throws(() => buildTask(spec, utf8(holes), 'h.csv'), /h\.csv: column 'sales' is missing a value in data row \d+; .*--missing interpolate/);
  assert.doesNotThrow(() => buildTask({ ...spec, missing: 'interpolate' }, utf8(holes), 'h.csv'));
});

test('buildTask charlm: a checkpointed model gives the same next-character probabilities', () => {
  const spec: TaskSpec = { ...base, kind: 'charlm' };
  const text = 'abcabd abcabd '.repeat(20);
  const task = buildTask(spec, utf8(text), 't.txt') as CharLmTask;
  assert.ok(task instanceof CharLmTask);
  const saved = JSON.parse(JSON.stringify(task.describe())) as Record<string, unknown>;
  const loaded = modelFromSpec(spec, saved, 'ckpt');
  if (loaded.kind !== 'charlm') throw new Error('kind');
  loaded.model.loadStateDict(task.model.stateDict());
  const a = nextCharacters(task.model, task.vocab, 'abca', 10);
  const b = nextCharacters(loaded.model, loaded.vocab, 'abca', 10);
  assert.deepEqual(b, a);
  assert.equal(a.length, task.vocab.size);
  assert.ok(Math.abs(a.reduce((s, x) => s + x.p, 0) - 1) < 1e-6);
  assert.throws(() => buildTask(spec, Uint8Array.from([0, 1, 2]), 'bin.dat'), /looks binary/);
});

test('ClassifyTask on numeric sequences (rising vs falling) learns; classify() matches after a checkpoint', async () => {
  const rng = new Rng(9);
  const lines = ['sequence,label'];
  for (let i = 0; i < 160; i++) {
    const up = i % 2 === 0;
    const n = 4 + rng.int(5);
    const start = rng.uniform(-5, 5);
    const seq = Array.from({ length: n }, (_, t) => (start + (up ? 1 : -1) * t * rng.uniform(0.5, 1.5)).toFixed(3));
    lines.push(`${seq.join(' ')},${up ? 'rising' : 'falling'}`);
  }
  const spec: TaskSpec = { ...base, kind: 'classify', model: { ...model, hiddenSize: 12 }, batchSize: 16, seqLen: 20 };
  const task = buildTask(spec, utf8(lines.join('\n')), 'seq.csv') as ClassifyTask;
  assert.ok(task instanceof ClassifyTask);
  assert.equal(task.encoding.vocab, null);
  assert.equal(task.encoding.scale!.length, 1);
  const { makeOptimizer } = await import('../../src/training/optimizer-factory.js');
  const { Trainer } = await import('../../src/training/trainer.js');
  await new Trainer(task, makeOptimizer('adam', task.model.namedParameters(), 0.02), { epochs: 12, lr: 0.02, schedule: 'constant' }).run();
  const r = task.evaluate();
  assert.ok((r.accuracy as number) >= 0.9, `accuracy ${r.accuracy}`);
  const saved = JSON.parse(JSON.stringify(task.describe())) as Record<string, unknown>;
  const loaded = modelFromSpec(spec, saved, 'ckpt');
  if (loaded.kind !== 'classify') throw new Error('kind');
  loaded.model.loadStateDict(task.model.stateDict());
  const inputs = [{ steps: [[1], [2], [3], [4]] }, { steps: [[4], [3], [2], [1]] }];
  const a = classify(task.model, task.encoding, inputs);
  const b = classify(loaded.model, loaded.encoding, inputs);
  assert.deepEqual(b, a);
  assert.deepEqual(a.map((x) => x.label), ['rising', 'falling']);
  for (const x of a) assert.ok(Math.abs(x.probabilities.rising! + x.probabilities.falling! - 1) < 1e-6);
  // inputs of another width, or text for a numeric model, are errors rather than crashes
  assert.throws(() => classify(task.model, task.encoding, [{ steps: [[1, 2], [3, 4]] }]), (e: unknown) => e instanceof FormatError && /2 features per step; this model reads 1/.test(e.message));
  assert.throws(() => classify(task.model, task.encoding, [{ text: 'abc' }]), /this model reads numeric sequences, but a record holds text/);
});

test('resolveSpec: charlm holds out the 20,000 characters validation scores, within 2-10% of the text; an explicit fraction stays', () => {
  const { kind: _k, valFraction: _v, ...rest } = { ...base, kind: 'charlm' as const };
  const draft = { ...rest, kind: 'charlm' as const };
  const text = (n: number) => utf8('é'.repeat(n)); // 2 bytes per character: characters count, not bytes
  assert.equal(resolveSpec(draft, text(100_000), 't.txt').valFraction, 0.1);
  assert.equal(resolveSpec(draft, text(400_000), 't.txt').valFraction, 0.05);
  assert.equal(resolveSpec(draft, text(5_000_000), 't.txt').valFraction, 0.02);
  assert.equal(resolveSpec({ ...draft, valFraction: 0.3 }, text(400_000), 't.txt').valFraction, 0.3);
  assert.equal(resolveSpec({ ...draft, kind: 'forecast' }, utf8('y\n1\n2\n'), 's.csv').valFraction, 0.1);
  // Characters outside the BMP count once (two UTF-16 units, four bytes each).
  assert.equal(resolveSpec(draft, utf8('\u{1F40B}'.repeat(400_000)), 'w.txt').valFraction, 0.05);
  assert.equal(defaultValFraction(0), 0.1);
  assert.throws(() => resolveSpec(draft, new Uint8Array(0), 'empty.txt'), /empty.txt: the file is empty/);
});
