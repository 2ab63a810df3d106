import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveSession, startSession, type RunPlan } from '../../../src/checkpoint/session.js';
import type { TaskSpec } from '../../../src/tasks/build.js';

/** Small data files and trained checkpoints (one per task) in a temporary folder. */
export interface Fixtures {
  root: string;
  text: string;
  csv: string;
  jsonl: string;
  checkpoints: { charlm: string; forecast: string; classify: string };
  cleanup(): void;
}

export const SMALL_TEXT = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
export const SMALL_CSV =
  'date,temp,sales\n' + Array.from({ length: 60 }, (_, t) => `2024-01-${String((t % 28) + 1).padStart(2, '0')},${(10 + 5 * Math.sin(t / 3)).toFixed(2)},${(100 + t * 1.5 + 3 * Math.sin(t / 2)).toFixed(1)}`).join('\n') + '\n';
export const SMALL_JSONL = Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: i % 2 ? `good film number ${i}` : `bad movie ${i}`, label: i % 2 ? 'pos' : 'neg' })).join('\n') + '\n';

const model = { cell: 'lstm' as const, hiddenSize: 6, numLayers: 1, dropout: 0, embeddingDim: 4, forgetBias: null };
const plan: RunPlan = { maxSteps: 2, lr: 1e-2, schedule: 'constant', warmupSteps: 0, clipNorm: 1, evalEvery: 0, patience: 0, optimizer: 'adam' };

let shared: Promise<Fixtures> | null = null;

/** The fixtures, made once per process (training three checkpoints takes a few seconds) and removed at exit. */
export function makeFixtures(): Promise<Fixtures> {
  if (shared === null) {
    shared = createFixtures();
    void shared.then((fx) => process.on('exit', () => rmSync(fx.root, { recursive: true, force: true })));
  }
  return shared;
}

async function createFixtures(): Promise<Fixtures> {
  const root = mkdtempSync(join(tmpdir(), 'recur-fuzz-'));
  const text = join(root, 'text.txt');
  const csv = join(root, 'series.csv');
  const jsonl = join(root, 'labelled.jsonl');
  writeFileSync(text, SMALL_TEXT);
  writeFileSync(csv, SMALL_CSV);
  writeFileSync(jsonl, SMALL_JSONL);
  const specs: Record<'charlm' | 'forecast' | 'classify', [TaskSpec, string]> = {
    charlm: [{ kind: 'charlm', model, batchSize: 2, seed: 1, valFraction: 0.1, testFraction: 0.1, seqLen: 8 }, text],
    forecast: [{ kind: 'forecast', model: { ...model, cell: 'gru', embeddingDim: 0 }, batchSize: 4, seed: 2, valFraction: 0.1, testFraction: 0.2, seqLen: 1, window: 6, horizon: 2, column: 'sales', features: ['temp'] }, csv],
    classify: [{ kind: 'classify', model: { ...model, cell: 'rnn' }, batchSize: 4, seed: 3, valFraction: 0.1, testFraction: 0.2, seqLen: 20, tokens: 'word' }, jsonl],
  };
  const checkpoints = { charlm: '', forecast: '', classify: '' };
  for (const [kind, [spec, data]] of Object.entries(specs) as Array<[keyof typeof specs, [TaskSpec, string]]>) {
    const s = startSession(spec, plan, data);
    await s.trainer.run();
    const dir = join(root, `ckpt-${kind}`);
    await saveSession(dir, s);
    checkpoints[kind] = dir;
  }
  return { root, text, csv, jsonl, checkpoints, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
