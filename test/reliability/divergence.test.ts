// Divergence: a NaN or infinite loss, validation or weight stops training with a message saying
// what happened and what to try, exits non-zero, and keeps the last good checkpoint.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModel, startSession, type RunPlan } from '../../src/checkpoint/session.js';
import { DivergenceError } from '../../src/training/trainer.js';
import type { TaskSpec } from '../../src/tasks/build.js';
import { recur } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-diverge-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const series = join(tmp, 's.csv');
writeFileSync(series, 'v\n' + Array.from({ length: 120 }, (_, t) => (50 + 20 * Math.sin(t / 4)).toFixed(3)).join('\n') + '\n');

test('recur train --lr 10 --clip 0 diverges: message, exit 1, last good checkpoint kept and loadable', async () => {
  const out = join(tmp, 'run');
  const r = recur(['train', series, '--task', 'forecast', '--model', 'rnn', '--optimizer', 'sgd', '--hidden', '16', '--lr', '10', '--clip', '0',
    '--schedule', 'constant', '--steps', '200', '--eval-every', '1', '--seed', '0', '--threads', '1', '--quiet', '--out', out]);
  assert.equal(r.status, 1, r.stderr);
  // Which goes first depends on the kernels' float32 sums (the WASM backward overflows to NaN
  // gradients while the loss is still finite; the reference sums in float64).
  const m = /recur: the (?:loss|gradients) became (NaN|Infinity|-Infinity) at step (\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.match(r.stderr, /last good checkpoint is kept/);
  assert.match(r.stderr, /lower learning rate \(--lr\)/);
  assert.match(r.stderr, /gradient clipping \(--clip 1\)/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const { config, loaded } = await loadModel(out);
  assert.ok(config.training.trainer.step < Number(m[2]), 'the checkpoint is from before the divergence');
  for (const [name, p] of loaded.model.namedParameters()) assert.ok(p.data.every(Number.isFinite), `${name} is finite`);
});

test('a non-finite validation never becomes a checkpoint', async () => {
  const spec: TaskSpec = { kind: 'forecast', model: { cell: 'rnn', hiddenSize: 8, numLayers: 1, dropout: 0, embeddingDim: 0, forgetBias: null }, batchSize: 8, seed: 1, valFraction: 0.1, testFraction: 0.2, seqLen: 1, window: 8, horizon: 1 };
  // A learning rate no CLI accepts: the first update sends the weights to the edge of float32.
  const plan: RunPlan = { maxSteps: 20, lr: 1e38, schedule: 'constant', warmupSteps: 0, clipNorm: 0, evalEvery: 1, patience: 0, optimizer: 'sgd' };
  const s = startSession(spec, plan, series);
  const saved: number[] = [];
  s.trainer.on('checkpoint', (e) => saved.push(e.step));
  await assert.rejects(s.trainer.run(), (e: unknown) => {
    assert.ok(e instanceof DivergenceError);
    assert.equal(e.code, 'E_DIVERGED');
    assert.match(e.message, /became (NaN|Infinity)|stopped being finite/);
    assert.match(e.message, /--lr.*--clip/);
    return true;
  });
  assert.deepEqual(saved, []);
});
