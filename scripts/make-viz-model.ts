// Regenerates the visualiser's bundled models: 1-layer character models trained on
// data/moby_dick.txt with recur's own training, written in the checkpoint format
// `recur train` uses (config.json + model.safetensors).
//
//   node --import tsx scripts/make-viz-model.ts                                    # LSTM, 96 units -> web/public/model/
//   node --import tsx scripts/make-viz-model.ts --cell gru --hidden 64 --time 360000 --out web/public/model-gru
//   node --import tsx scripts/make-viz-model.ts --cell rnn --hidden 64 --time 360000 --out web/public/model-rnn
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotSession, startSession, type RunPlan } from '../src/checkpoint/session.js';
import type { TaskSpec } from '../src/tasks/build.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const OUT = arg('out', 'web/public/model');
const timeLimitMs = Number(arg('time', '720000'));
const cell = arg('cell', 'lstm');
if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn') throw new Error(`--cell ${cell}: expected lstm, gru or rnn`);
const hiddenSize = Number(arg('hidden', '96'));

const spec: TaskSpec = {
  kind: 'charlm',
  model: { cell, hiddenSize, numLayers: 1, dropout: 0, bidirectional: false, forgetBias: cell === 'lstm' ? 1 : null, embeddingDim: 24 },
  batchSize: 32,
  seed: 7,
  valFraction: 0.05,
  testFraction: 0.05,
  seqLen: 64,
};
const plan: RunPlan = {
  timeLimitMs,
  lr: 0.01,
  schedule: 'cosine',
  warmupSteps: 50,
  clipNorm: 5,
  evalEvery: 200,
  patience: 0,
  optimizer: 'adam',
  restoreBest: true,
  averageDecay: 0,
};

const session = startSession(spec, plan, 'data/moby_dick.txt');
// Relative path: the checkpoint is committed and must not name this machine's directories.
session.dataPath = 'data/moby_dick.txt';
session.trainer.on('step', (e) => {
  if (e.step % 100 === 0) console.error(`step ${e.step} loss ${e.loss.toFixed(3)}`);
});
await session.trainer.run();
const metrics = session.task.evaluate();
console.error('test metrics', metrics);
const files = await snapshotSession(session, metrics);
mkdirSync(OUT, { recursive: true });
// Only what the page needs: the optimiser state would double the size for nothing.
for (const name of ['config.json', 'model.safetensors']) writeFileSync(join(OUT, name), files[name]!);
console.error(`wrote ${OUT}/config.json and ${OUT}/model.safetensors`);
