import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../src/errors.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { mse } from '../../src/nn/losses.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { earlyStopping } from '../../src/training/early-stopping.js';
import { adam } from '../../src/training/optimizers/adam.js';
import { sgd } from '../../src/training/optimizers/sgd.js';
import { warmupCosine } from '../../src/training/schedules.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../../src/training/task.js';
import { Trainer, type TrainerOptions } from '../../src/training/trainer.js';

/** A linear regression task (2 batches an epoch) whose validation reads out a scripted list. */
class ScriptedTask implements Task {
  readonly kind = 'forecast' as const;
  readonly model = new Linear({ inFeatures: 2, outFeatures: 1, seed: 1 });
  private next = 0;
  constructor(private readonly validations: number[] = [], private readonly mode: 'min' | 'max' = 'min') {}
  batchesPerEpoch(): number {
    return 2;
  }
  startEpoch(): void {}
  trainBatch(_epoch: number, index: number): BatchLoss {
    const x = new Tensor([1, index, -1, 2], [2, 2]);
    return { loss: mse(this.model.forward(x), Float32Array.of(1, -1)), timesteps: 2 };
  }
  validate(): Validation {
    const value = this.validations[this.next++] ?? 9;
    return { name: 'val', value, mode: this.mode, metrics: { val: value } };
  }
  evaluate(): EvalReport {
    return {};
  }
  describe(): Record<string, unknown> {
    return {};
  }
  getState(): TaskState {
    return { json: {}, tensors: {} };
  }
  setState(): void {}
}

async function lrsOf(trainer: Trainer): Promise<number[]> {
  const lrs: number[] = [];
  trainer.on('step', (e) => lrs.push(e.lr));
  await trainer.run();
  return lrs;
}

test('Trainer: lr and schedule are optional: the optimiser\'s lr, held constant', async () => {
  const task = new ScriptedTask();
  // As plain JS would call it: neither lr nor schedule.
  const trainer = new Trainer(task, sgd(task.model.parameters(), { lr: 0.05 }), { maxSteps: 3 } as TrainerOptions);
  assert.deepEqual(await lrsOf(trainer), [0.05, 0.05, 0.05]);
  // Warm-up still applies to the optimiser's lr.
  const warm = new Trainer(task, sgd(task.model.parameters(), { lr: 0.08 }), { maxSteps: 5, warmupSteps: 4 });
  assert.deepEqual(await lrsOf(warm), [0.02, 0.04, 0.06, 0.08, 0.08]);
  // A bad lr is blamed on the Trainer, not on the optimiser it is passed to.
  assert.throws(() => new Trainer(task, sgd(task.model.parameters()), { maxSteps: 1, lr: Number.NaN }), (e: unknown) => e instanceof OptionError && /^Trainer: lr must be a number in \[0, Infinity\), got NaN/.test(e.message));
  assert.throws(() => new Trainer(task, sgd(task.model.parameters()), { maxSteps: 1, schedule: 'linear' as 'constant' }), /Trainer: schedule must be one of 'cosine', 'constant', got linear/);
});

test('Trainer lr: the warm-up is warmupCosine\'s, the cosine falls to lrMinFraction over the run', async () => {
  const task = new ScriptedTask();
  const trainer = new Trainer(task, adam(task.model.parameters()), { maxSteps: 10, lr: 0.1, schedule: 'cosine', warmupSteps: 4 });
  const got = await lrsOf(trainer);
  // Worked by hand: step i runs at 0.1·min(1, (i+1)/4)·(0.05 + 0.95·(1 + cos(π·i/10))/2).
  const cos = (i: number) => 0.05 + 0.95 * (1 + Math.cos((Math.PI * i) / 10)) / 2;
  const want = [0.025, 0.05 * cos(1), 0.075 * cos(2), 0.1 * cos(3), 0.1 * cos(4), 0.1 * cos(5), 0.1 * cos(6), 0.1 * cos(7), 0.1 * cos(8), 0.1 * cos(9)];
  got.forEach((lr, i) => assert.ok(Math.abs(lr - want[i]!) < 1e-15, `step ${i}: ${lr} vs ${want[i]}`));
  assert.ok(Math.abs(got[5]! - 0.1 * 0.525) < 1e-15, 'half way: cos(π/2) = 0');

  // The constant schedule's warm-up and the public warmupCosine ramp alike, to the bit.
  const constant = await lrsOf(new Trainer(task, adam(task.model.parameters()), { maxSteps: 4, lr: 0.1, schedule: 'constant', warmupSteps: 4 }));
  const opt = adam(new Linear({ inFeatures: 1, outFeatures: 1 }).parameters(), { lr: 0.1 });
  const sched = warmupCosine(opt, { warmupSteps: 4, tMax: 100 });
  const publicLrs = [opt.lr];
  for (let i = 0; i < 3; i++) {
    sched.step();
    publicLrs.push(opt.lr);
  }
  assert.deepEqual(constant, publicLrs);
  [0.025, 0.05, 0.075, 0.1].forEach((lr, i) => assert.ok(Math.abs(constant[i]! - lr) < 1e-15, `step ${i}`));
});

test('Trainer early stopping follows earlyStopping: patience evaluations without improvement', async () => {
  const scripted = [1, 0.5, 0.6, 0.5, 0.4, 0.3];
  const task = new ScriptedTask(scripted);
  const trainer = new Trainer(task, adam(task.model.parameters(), { lr: 0.01 }), { maxSteps: 20, evalEvery: 1, patience: 2, restoreBest: true });
  const evaluations: Array<{ step: number; improved: boolean }> = [];
  const atBest: Float32Array[][] = [];
  trainer.on('evaluation', (e) => {
    evaluations.push({ step: e.step, improved: e.improved });
    if (e.improved) atBest.push(task.model.parameters().map((p) => p.data.slice()));
  });
  await trainer.run();
  // 1 and 0.5 improve; 0.6 and 0.5 (not better than 0.5) do not: stop after step 4, then the
  // end is validated once more (0.4, an improvement, so those parameters are kept).
  const stopper = earlyStopping({ patience: 2 });
  const verdicts = scripted.slice(0, 4).map((v) => stopper.update(v));
  assert.deepEqual(verdicts.map((v) => v.stop), [false, false, false, true]);
  assert.deepEqual(evaluations, [
    { step: 1, improved: true }, { step: 2, improved: true }, { step: 3, improved: false }, { step: 4, improved: false }, { step: 4, improved: true },
  ]);
  assert.equal(trainer.state.step, 4);
  assert.equal(trainer.state.best, 0.4);
  assert.equal(trainer.state.badEvaluations, 0);
  assert.deepEqual(task.model.parameters().map((p) => p.data), atBest[atBest.length - 1]);

  // A run stopped early ends on its best weights when the end's validation is worse.
  const worse = new ScriptedTask([1, 0.5, 0.9, 0.95, 0.99]);
  const bestWeights: Float32Array[][] = [];
  const early = new Trainer(worse, adam(worse.model.parameters(), { lr: 0.1 }), { maxSteps: 20, evalEvery: 1, patience: 2, restoreBest: true });
  early.on('evaluation', (e) => {
    if (e.improved) bestWeights.push(worse.model.parameters().map((p) => p.data.slice()));
  });
  await early.run();
  assert.deepEqual([early.state.step, early.state.best], [4, 0.5]);
  assert.deepEqual(worse.model.parameters().map((p) => p.data), bestWeights[1]);

  // patience 0: never stops early; accuracy-like metrics ('max') improve upwards.
  const never = new Trainer(new ScriptedTask([0.9, 0.1, 0.1, 0.1, 0.1], 'max'), sgd(task.model.parameters(), { lr: 0.01 }), { maxSteps: 5, evalEvery: 1 });
  await never.run();
  assert.deepEqual([never.state.step, never.state.best, never.state.badEvaluations], [5, 0.9, 4]);
});
