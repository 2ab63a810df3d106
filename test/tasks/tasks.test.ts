import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CharLm,
  CharLmTask,
  classify,
  ClassifyTask,
  forecastAhead,
  ForecastTask,
  makeOptimizer,
  nextCharacters,
  Rng,
  setBackend,
  type LabelledExample,
  type Task,
} from '../../src/index.js';
import { Trainer } from '../../src/training/trainer.js';

setBackend('js');

async function train(task: Task, epochs: number, lr: number): Promise<void> {
  const opt = makeOptimizer('adam', task.model.namedParameters(), lr);
  await new Trainer(task, opt, { epochs, lr, schedule: 'constant', clipNorm: 1 }).run();
}

const model = { cell: 'lstm' as const, hiddenSize: 16, numLayers: 1, dropout: 0 };

test('ForecastTask: a sine with a trend, trained briefly, beats persistence on the test part', async () => {
  const rng = new Rng(1);
  const y = Float64Array.from({ length: 200 }, (_, t) => 20 + 0.05 * t + 3 * Math.sin((2 * Math.PI * t) / 12) + 0.1 * rng.normal());
  const task = ForecastTask.fit({ y, extras: [], names: ['y'] }, 'none', {
    model,
    window: 12,
    horizon: 1,
    batchSize: 32,
    valFraction: 0.1,
    testFraction: 0.2,
    season: 0,
    seed: 3,
  });
  assert.equal(task.season, 12);
  const before = task.evaluate();
  await train(task, 40, 0.01);
  const r = task.evaluate();
  assert.equal(r.test_points, 40);
  const naive = r.naive_rmse as number;
  // persistence on this series: the one-step change of the sine (~1.5) dominates
  assert.ok(naive > 1 && naive < 2.5, `naive ${naive}`);
  assert.ok((r.rmse as number) < 0.35 * naive, `model rmse ${r.rmse} vs naive ${naive} (before training ${before.rmse})`);
  assert.ok((r.rmse as number) < (r.seasonal_naive_rmse as number), `model rmse ${r.rmse} vs seasonal naive ${r.seasonal_naive_rmse}`);
  assert.ok((r.rmse as number) < (before.rmse as number));
  assert.ok(Math.abs((r.mse as number) - (r.rmse as number) ** 2) < 1e-9);
});

test('forecastAhead: continues a clean sine recursively beyond the model horizon', async () => {
  const y = Float64Array.from({ length: 240 }, (_, t) => 10 + 2 * Math.sin((2 * Math.PI * t) / 16));
  const task = ForecastTask.fit({ y: y.subarray(0, 200), extras: [], names: ['y'] }, 'none', {
    model,
    window: 16,
    horizon: 4,
    batchSize: 32,
    valFraction: 0.1,
    testFraction: 0.1,
    season: 16,
    seed: 5,
  });
  await train(task, 30, 0.01);
  const steps = 20;
  assert.equal(task.model.training, true);
  const ahead = forecastAhead(task.model, task.encoding, Float64Array.from(y.subarray(0, 200)), [], 16, steps);
  // predicting leaves the model in the mode it was in (training goes on with dropout)
  assert.equal(task.model.training, true);
  assert.equal(ahead.length, steps);
  // the first block is the direct forecast
  const direct = task.forecastNext();
  for (let k = 0; k < 4; k++) assert.ok(Math.abs(ahead[k]! - direct[k]!) < 1e-9);
  let se = 0;
  for (let k = 0; k < steps; k++) se += (ahead[k]! - y[200 + k]!) ** 2;
  const rmse = Math.sqrt(se / steps);
  // a flat forecast at the last value would be off by ~1.4 RMS; the recursion must follow the wave
  assert.ok(rmse < 0.1, `rmse over ${steps} steps ${rmse}; forecast ${[...ahead].map((v) => v.toFixed(2)).join(' ')}`);
  assert.throws(() => forecastAhead(task.model, task.encoding, y.subarray(0, 10), [], 16, 4), /needs at least 17/);
});

function letters(rng: Rng, withX: boolean): string {
  const n = 4 + rng.int(6);
  const chars = Array.from({ length: n }, () => 'abcdefgh'[rng.int(8)]!);
  if (withX) chars[rng.int(n)] = 'x';
  return chars.join('');
}

test('ClassifyTask: label = whether the text contains x, accuracy >= 0.9; classify() probabilities sum to 1', async () => {
  const rng = new Rng(7);
  const examples: LabelledExample[] = Array.from({ length: 240 }, (_, i) => {
    const hasX = i % 2 === 0;
    return { text: letters(rng, hasX), label: hasX ? 'yes' : 'no' };
  });
  const task = new ClassifyTask(examples, {
    model: { cell: 'gru', hiddenSize: 16, numLayers: 1, dropout: 0, bidirectional: false, embeddingDim: 8 },
    tokens: 'char',
    maxLen: 16,
    batchSize: 16,
    testFraction: 0.2,
    valFraction: 0.1,
    seed: 2,
  });
  assert.deepEqual(task.encoding.labels, ['no', 'yes']);
  await train(task, 15, 0.02);
  const r = task.evaluate();
  assert.equal(r.test_records, 48);
  assert.ok((r.accuracy as number) >= 0.9, `accuracy ${r.accuracy}`);
  const confusion = r.confusion as number[][];
  assert.equal(confusion.flat().reduce((a, b) => a + b, 0), 48);
  assert.equal(task.model.training, true);
  const out = classify(task.model, task.encoding, [{ text: 'abxcd' }, { text: 'abcdef' }, { text: '' }, { text: 'zzz?' }]);
  assert.equal(task.model.training, true);
  for (const o of out) {
    const sum = Object.values(o.probabilities).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-6, `probabilities sum to ${sum}`);
    assert.equal(o.label, Object.entries(o.probabilities).sort((a, b) => b[1] - a[1])[0]![0]);
  }
  assert.equal(out[0]!.label, 'yes');
  assert.equal(out[1]!.label, 'no');
});

test('CharLmTask: a repeating text is learned far below the unigram baseline; nextCharacters sums to 1', async () => {
  const text = 'the cat sat on the mat. '.repeat(60);
  const task = new CharLmTask(text, {
    model: { cell: 'lstm', hiddenSize: 32, numLayers: 1, dropout: 0, embeddingDim: 8 },
    batchSize: 8,
    seqLen: 24,
    valFraction: 0.1,
    testFraction: 0.1,
    seed: 1,
  });
  await train(task, 25, 0.02);
  const r = task.evaluate();
  const unigram = r.unigram_bpc as number;
  assert.ok(unigram > 2.8 && unigram < 3.6, `unigram ${unigram}`);
  assert.ok((r.bpc as number) < 0.5, `bpc ${r.bpc} vs unigram ${unigram}`);
  const V = task.vocab.size;
  const next = nextCharacters(task.model, task.vocab, 'the cat sat on the m', V);
  assert.equal(task.model.training, true);
  task.model.eval();
  nextCharacters(task.model, task.vocab, 'the', 2);
  assert.equal(task.model.training, false);
  assert.equal(next.length, V);
  const sum = next.reduce((a, b) => a + b.p, 0);
  assert.ok(Math.abs(sum - 1) < 1e-6, `sum ${sum}`);
  for (let i = 1; i < next.length; i++) assert.ok(next[i - 1]!.p >= next[i]!.p);
  assert.equal(next[0]!.char, 'a');
  assert.equal(nextCharacters(task.model, task.vocab, 'the c', 3).length, 3);
});

test('CharLm outputDropout: the same parameters as without it, identity in eval mode, active in training', () => {
  const config = { cell: 'lstm' as const, hiddenSize: 8, numLayers: 1, dropout: 0, vocabSize: 5, embeddingDim: 4 };
  const plain = new CharLm(config, 3);
  const dropped = new CharLm({ ...config, outputDropout: 0.5 }, 3);
  const a = plain.stateDict();
  const b = dropped.stateDict();
  assert.deepEqual(Object.keys(b), Object.keys(a), 'dropout adds no parameters');
  for (const k of Object.keys(a)) assert.deepEqual(b[k]!.data, a[k]!.data, k);
  const ids = Int32Array.from({ length: 12 }, (_, i) => i % 5);
  plain.eval();
  dropped.eval();
  assert.deepEqual(dropped.forward(ids, 6, 2).logits.data, plain.forward(ids, 6, 2).logits.data);
  plain.train();
  dropped.train();
  assert.notDeepEqual(dropped.forward(ids, 6, 2).logits.data, plain.forward(ids, 6, 2).logits.data);
  assert.throws(() => new CharLm({ ...config, outputDropout: 1.5 }), /p must be/);
});
