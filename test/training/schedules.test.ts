import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, StateDictError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { adam } from '../../src/training/optimizers/adam.js';
import {
  cosineAnnealing,
  linearLR,
  sequential,
  stepLR,
  cosineFactor,
  warmupCosine,
  warmupFactor,
  type LrScheduler,
  type SchedulerState,
} from '../../src/training/schedules.js';
import { reduceLROnPlateau } from '../../src/training/plateau.js';

const optimiser = (lr: number) => adam([new Tensor([0], [1])], { lr });

/** lr right after creation, then after each of `n` steps. */
function lrs(opt: { lr: number }, sched: LrScheduler, n: number): number[] {
  const out = [opt.lr];
  for (let i = 0; i < n; i++) {
    sched.step();
    out.push(opt.lr);
  }
  return out;
}

function assertSeq(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= 1e-12 * Math.max(1, Math.abs(expected[i]!)), `step ${i}: ${a} vs ${expected[i]}`));
}

test('stepLR: lr = base · gamma^floor(t / stepSize)', () => {
  const opt = optimiser(0.5);
  assertSeq(lrs(opt, stepLR(opt, { stepSize: 3, gamma: 0.1 }), 7), [0.5, 0.5, 0.5, 0.05, 0.05, 0.05, 0.005, 0.005]);
});

test('cosineAnnealing: the closed form, reaching etaMin at tMax and rising after', () => {
  const opt = optimiser(0.1);
  const got = lrs(opt, cosineAnnealing(opt, { tMax: 4, etaMin: 0.02 }), 6);
  const c = (t: number) => 0.02 + (0.08 * (1 + Math.cos((Math.PI * t) / 4))) / 2;
  assertSeq(got, [0, 1, 2, 3, 4, 5, 6].map(c));
  assertSeq([got[0]!, got[2]!, got[4]!], [0.1, 0.06, 0.02]); // worked by hand: cos(π/2) = 0
});

test('linearLR: PyTorch defaults ramp from base/3 to base over 5 steps, then hold', () => {
  const opt = optimiser(0.3);
  assertSeq(lrs(opt, linearLR(opt), 6), [0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.3]);
});

test('warmupCosine: lr = base (t+1)/W during warm-up (the W-th step at base), then cosine from base', () => {
  const opt = optimiser(0.4);
  const got = lrs(opt, warmupCosine(opt, { warmupSteps: 3, tMax: 4, etaMin: 0 }), 8);
  // Warm-up 0.4/3, 0.8/3, then the third step at 0.4 = the cosine's k = 0: 0.4·(1 + cos(πk/4))/2
  // for k = 0..4; k = 5 rises again.
  const cos = (k: number) => (0.4 * (1 + Math.cos((Math.PI * k) / 4))) / 2;
  assertSeq(got, [0.4 / 3, 0.8 / 3, cos(0), cos(1), cos(2), cos(3), cos(4), cos(5), cos(6)]);
  assert.ok(Math.abs(got[4]! - 0.2) < 1e-15);
  // One warm-up step is no warm-up: cosine annealing from the first step.
  const opt1 = optimiser(0.4);
  assertSeq(lrs(opt1, warmupCosine(opt1, { warmupSteps: 1, tMax: 4 }), 4), [0, 1, 2, 3, 4].map(cos));
});

test('warmupFactor and cosineFactor: the curves the Trainer and the schedules share', () => {
  assertSeq([0, 1, 2, 3, 10].map((t) => warmupFactor(t, 4)), [0.25, 0.5, 0.75, 1, 1]);
  assertSeq([0, 5].map((t) => warmupFactor(t, 0)), [1, 1]);
  // Worked by hand: cos(0) = 1, cos(π/2) = 0, cos(π) = −1.
  assertSeq([0, 0.5, 1].map((p) => cosineFactor(p, 0.1)), [1, 0.55, 0.1]);
  assertSeq([0, 0.5, 1].map((p) => cosineFactor(p)), [1, 0.5, 0]);
});

test('sequential: later schedules start from the original lr, not from what earlier ones set', () => {
  const opt = optimiser(1);
  const warm = linearLR(opt, { startFactor: 0.5, totalIters: 2 });
  assert.equal(opt.lr, 0.5);
  const decay = stepLR(opt, { stepSize: 2, gamma: 0.5 });
  const sched = sequential(opt, { schedulers: [warm, decay], milestones: [2] });
  assertSeq(lrs(opt, sched, 6), [0.5, 0.75, 1, 1, 0.5, 0.5, 0.25]);
  assert.throws(() => sequential(opt, { schedulers: [warm, decay], milestones: [] }), /milestones must have 1 entries/);
  assert.throws(() => sequential(opt, { schedulers: [warm, decay, decay], milestones: [3, 2] }), /milestones\[1\] must be an integer >= 4, got 2/);
});

test('closed-form schedulers save and restore their position', () => {
  const opt = optimiser(0.4);
  const sched = warmupCosine(opt, { warmupSteps: 3, tMax: 10 });
  for (let i = 0; i < 5; i++) sched.step();
  const saved = JSON.parse(JSON.stringify(sched.getState())) as SchedulerState;
  const optState = opt.getState();

  // Resume: build optimiser and schedule as at the start, then restore both.
  const opt2 = optimiser(0.4);
  const sched2 = warmupCosine(opt2, { warmupSteps: 3, tMax: 10 });
  opt2.setState(optState);
  sched2.setState(saved);
  assert.equal(sched2.lastEpoch, 5);
  assert.equal(sched2.lastLr, sched.lastLr);
  assert.equal(opt2.lr, opt.lr);
  assertSeq(lrs(opt2, sched2, 4), lrs(opt, sched, 4));
  assert.throws(() => sched2.setState({ ...saved, kind: 'stepLR' }), StateDictError);
  assert.throws(() => sched2.setState({ ...saved, lastEpoch: -1 }), /lastEpoch must be an integer >= 0/);
});

test('schedule options are checked', () => {
  const opt = optimiser(0.1);
  assert.throws(() => stepLR(opt, { stepSize: 0 }), /stepLR: stepSize must be an integer >= 1, got 0/);
  assert.throws(() => cosineAnnealing(opt, { tMax: 10, etaMin: -1 }), OptionError);
  assert.throws(() => linearLR(opt, { startFactor: 0 }), /startFactor must be a number in \(0, 1\], got 0/);
  assert.throws(() => warmupCosine(opt, { warmupSteps: 2, tMax: 0 }), /warmupCosine: tMax must be an integer >= 1, got 0/);
  assert.equal(opt.lr, 0.1, 'a rejected schedule must not touch the lr');
  assert.throws(() => stepLR({} as never, { stepSize: 1 }), /must be an optimiser/);
});

test('reduceLROnPlateau: reduces after more than `patience` bad steps, then cools down', () => {
  const opt = optimiser(1);
  const sched = reduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 2, cooldown: 1, threshold: 0.01 });
  // 10 best; 9.95 is not better than 10·(1 − 0.01) = 9.9 (bad 1); 10 (bad 2); 10 (bad 3 > 2: lr 0.5, cooldown 1);
  // 10 (cooling down: bad count reset); 10 (bad 1); 10 (bad 2); 10 (bad 3: lr 0.25); 5 (best).
  const metrics = [10, 9.95, 10, 10, 10, 10, 10, 10, 5];
  const got = metrics.map((m) => {
    sched.step(m);
    return opt.lr;
  });
  assert.deepEqual(got, [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
  assert.equal(sched.best, 5);
  assert.equal(sched.lastEpoch, 9);
});

test('reduceLROnPlateau: max mode, absolute threshold, minLr floor, NaN counts as bad', () => {
  const opt = optimiser(0.1);
  const sched = reduceLROnPlateau(opt, { mode: 'max', factor: 0.1, patience: 0, threshold: 0.5, thresholdMode: 'abs', minLr: 0.005 });
  const got = [1, 1.4, 2, Number.NaN, 3].map((m) => {
    sched.step(m);
    return opt.lr;
  });
  // 1 best; 1.4 not > 1.5 (lr 0.01); 2 best; NaN bad (0.001 clamps to minLr 0.005); 3 best.
  assertSeq(got, [0.1, 0.01, 0.01, 0.005, 0.005]);
  assert.throws(() => sched.step(), /metric must be a number, got undefined/);
  assert.throws(() => reduceLROnPlateau(opt, { factor: 1 }), /factor must be a number in \[0, 1\), got 1/);
});

test('reduceLROnPlateau saves its counters (best = Infinity survives JSON)', () => {
  const opt = optimiser(1);
  const a = reduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
  const fresh = JSON.parse(JSON.stringify(a.getState())) as SchedulerState;
  assert.equal(fresh.best, 'Infinity');
  [3, 4, 4].forEach((m) => a.step(m));
  const saved = JSON.parse(JSON.stringify(a.getState())) as SchedulerState;
  const opt2 = optimiser(opt.lr);
  const b = reduceLROnPlateau(opt2, { patience: 1, factor: 0.5 });
  b.setState(saved);
  for (const m of [5, 2, 2, 2, 2]) {
    a.step(m);
    b.step(m);
    assert.equal(opt2.lr, opt.lr);
  }
  // 3 best; 4, 4: lr 0.5; 5 bad; 2 best; 2, 2: lr 0.25; 2 bad.
  assert.equal(opt.lr, 0.25);
  b.setState(fresh);
  assert.equal(b.best, Infinity);
});
