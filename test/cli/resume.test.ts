import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resumeSession, saveSession, startSession, type RunPlan } from '../../src/checkpoint/session.js';
import type { TaskSpec } from '../../src/tasks/build.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-resume-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const text = join(tmp, 'text.txt');
writeFileSync(text, 'the quick brown fox jumps over the lazy dog. '.repeat(80));
const series = join(tmp, 'series.csv');
writeFileSync(series, 'v\n' + Array.from({ length: 120 }, (_, t) => (10 + 5 * Math.sin(t / 3) + t * 0.1).toFixed(3)).join('\n') + '\n');

const model = { cell: 'lstm' as const, hiddenSize: 12, numLayers: 2, dropout: 0.1, embeddingDim: 6, forgetBias: null };
const cases: Array<[string, TaskSpec, string]> = [
  ['charlm (carried state, dropout)', { kind: 'charlm', model, batchSize: 4, seed: 3, valFraction: 0.1, testFraction: 0.1, seqLen: 16 }, text],
  ['forecast (shuffled windows)', { kind: 'forecast', model: { ...model, cell: 'gru', numLayers: 1 }, batchSize: 8, seed: 5, valFraction: 0.1, testFraction: 0.2, seqLen: 1, window: 8, horizon: 2 }, series],
];
const plan: RunPlan = { maxSteps: 14, lr: 5e-3, schedule: 'cosine', warmupSteps: 3, clipNorm: 1, evalEvery: 5, patience: 0, optimizer: 'adam', restoreBest: true };

for (const [name, spec, data] of cases) {
  test(`resume is exact, bit for bit: ${name}`, async () => {
    const straight = startSession(spec, plan, data);
    await straight.trainer.run();

    const first = startSession(spec, plan, data);
    first.trainer.on('step', (e) => {
      if (e.step === 6) first.trainer.stop();
    });
    await first.trainer.run();
    assert.equal(first.trainer.state.step, 6);
    const dir = join(tmp, name.split(' ')[0]!);
    await saveSession(dir, first);
    const resumed = await resumeSession(dir);
    assert.equal(resumed.trainer.state.step, 6);
    await resumed.trainer.run();
    assert.equal(resumed.trainer.state.step, 14);
    const a = straight.task.model.namedParameters();
    const b = resumed.task.model.namedParameters();
    for (let i = 0; i < a.length; i++) {
      assert.equal(a[i]![0], b[i]![0]);
      assert.deepEqual(b[i]![1].data, a[i]![1].data, `${a[i]![0]} differs after resume`);
    }
    // A run that is not resumed from the saved state (fresh optimiser) does differ: the check can fail.
    const fresh = await resumeSession(dir);
    fresh.optimizer.setState(startSession(spec, plan, data).optimizer.getState());
    await fresh.trainer.run();
    const c = fresh.task.model.namedParameters();
    assert.ok(c.some(([, p], i) => p.data.some((v, j) => v !== a[i]![1].data[j])));
  });
}
