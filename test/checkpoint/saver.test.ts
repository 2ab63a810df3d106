import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoError, OptionError } from '../../src/errors.js';
import { CheckpointSaver, prepareNewCheckpointDir } from '../../src/checkpoint/saver.js';
import { startSession, type RunPlan } from '../../src/checkpoint/session.js';
import { DivergenceError } from '../../src/training/trainer.js';
import type { DraftSpec } from '../../src/tasks/build.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-saver-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const text = join(tmp, 'text.txt');
writeFileSync(text, 'the quick brown fox jumps over the lazy dog. '.repeat(40));
const spec: DraftSpec = {
  kind: 'charlm', model: { cell: 'gru', hiddenSize: 6, numLayers: 1, dropout: 0, embeddingDim: 4, forgetBias: null },
  batchSize: 2, seed: 0, valFraction: 0.1, testFraction: 0.1, seqLen: 8,
};
const plan: RunPlan = { maxSteps: 6, lr: 1e-2, schedule: 'constant', warmupSteps: 0, clipNorm: 1, evalEvery: 2, patience: 0, optimizer: 'adam' };

test('prepareNewCheckpointDir: a new or empty folder only, its parent created', () => {
  const nested = join(tmp, 'runs', 'deep', 'a');
  prepareNewCheckpointDir(nested);
  mkdirSync(nested); // the parent exists now
  prepareNewCheckpointDir(nested); // empty: fine
  writeFileSync(join(nested, 'notes.txt'), 'mine');
  assert.throws(() => prepareNewCheckpointDir(nested), (e: unknown) => e instanceof OptionError && /is a folder with other files in it/.test(e.message));
  assert.throws(() => prepareNewCheckpointDir(join(nested, 'notes.txt')), /is a file; a checkpoint is a folder that would replace it/);
  assert.throws(() => prepareNewCheckpointDir(join(nested, 'notes.txt', 'x')), (e: unknown) => e instanceof IoError && /cannot write the checkpoint \(a part of the path is a file, not a folder\)/.test(e.message));
});

test('CheckpointSaver: a checkpoint at every evaluation, the last at the end; then the final one with metrics', async () => {
  const out = join(tmp, 'run');
  const session = startSession(spec, plan, text);
  const saver = new CheckpointSaver(out, session);
  const diverged = new DivergenceError('the loss became NaN at step 1; training stopped and the last good checkpoint is kept. Try a lower learning rate');
  assert.match((saver.explain(diverged) as Error).message, /training stopped and no checkpoint had been saved yet/);
  const saved: number[] = [];
  session.trainer.on('checkpoint', (e) => saved.push(e.step));
  await session.trainer.run();
  await saver.idle();
  saver.throwIfFailed();
  assert.deepEqual(saved, [2, 4, 6]);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.training.trainer.step, 6);
  assert.equal(saver.explain(diverged), diverged, 'a checkpoint exists: the message stands');
  await saver.saveFinal({ bpc: 4.5 });
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).metrics, { bpc: 4.5 });
  prepareNewCheckpointDir(join(tmp, 'other')); // unrelated folders are untouched
  assert.throws(() => prepareNewCheckpointDir(out), /already holds a checkpoint; pass --resume/);
});

test('CheckpointSaver: a failed write stops training and is reported, naming the folder', async () => {
  writeFileSync(join(tmp, 'blocker'), 'a file where the folder should be');
  const out = join(tmp, 'blocker', 'run');
  const session = startSession(spec, { ...plan, maxSteps: 40 }, text);
  const saver = new CheckpointSaver(out, session);
  await session.trainer.run();
  await saver.idle();
  assert.ok(session.trainer.state.step < 40, `training went on to step ${session.trainer.state.step}`);
  assert.throws(() => saver.throwIfFailed(), (e: unknown) => e instanceof IoError && e.message.startsWith(`${out}: cannot write the checkpoint (a part of the path is a file, not a folder)`));
});
