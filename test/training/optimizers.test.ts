import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { sgd } from '../../src/training/optimizers/sgd.js';
import { adam, adamW } from '../../src/training/optimizers/adam.js';
import { rmsprop } from '../../src/training/optimizers/rmsprop.js';
import type { Optimizer } from '../../src/training/optimizers/optimizer.js';

/*
 * Each optimiser is checked against an independent float64 transcription of the update in the
 * torch.optim documentation (and, where docs and code differ, the code: see AMSGrad). Two
 * parameters; the second gets no gradient at step 3, so it must be skipped (state untouched,
 * step count not advanced, which shifts its bias correction).
 */

const A0 = [0.5, -1.2, 2.0];
const B0 = [1.5, 0.25];
const STEPS = 6;

/** A nontrivial gradient field: coupled, signs change along the way. */
function gradOf(x: ArrayLike<number>, k: number): number[] {
  return Array.from(x, (v, i) => 2 * (i + 1) * (v - 0.3 * k) + 0.4 * Math.sin(3 * x[(i + 1) % x.length]!));
}
const skip = (which: number, step: number): boolean => which === 1 && step === 3;

/** Runs the library optimiser and returns both parameters after every step. */
function runLibrary(make: (ps: Array<[string, Tensor]>) => Optimizer): number[][][] {
  const a = new Tensor(A0, [3], { requiresGrad: true });
  const b = new Tensor(B0, [2], { requiresGrad: true });
  const opt = make([['a', a], ['b', b]]);
  const out: number[][][] = [];
  for (let step = 1; step <= STEPS; step++) {
    [a, b].forEach((p, w) => {
      p.grad = skip(w, step) ? null : Float32Array.from(gradOf(p.data, w));
    });
    opt.step();
    opt.zeroGrad();
    out.push([Array.from(a.data), Array.from(b.data)]);
  }
  return out;
}

/** Runs a reference update rule: `update(param, grad, state, t)` mutates param in place. */
function runReference<S>(init: (n: number) => S, update: (p: number[], g: number[], s: S, t: number) => void): number[][][] {
  const ps = [[...A0], [...B0]];
  const states = ps.map((p) => init(p.length));
  const ts = [0, 0];
  const out: number[][][] = [];
  for (let step = 1; step <= STEPS; step++) {
    ps.forEach((p, w) => {
      if (skip(w, step)) return;
      const g = gradOf(p, w);
      ts[w]! += 1;
      update(p, g, states[w]!, ts[w]!);
    });
    out.push(ps.map((p) => [...p]));
  }
  return out;
}

function assertClose(actual: number[][][], expected: number[][][], tol: number): void {
  for (let s = 0; s < expected.length; s++) {
    for (let w = 0; w < 2; w++) {
      for (let i = 0; i < expected[s]![w]!.length; i++) {
        const a = actual[s]![w]![i]!;
        const e = expected[s]![w]![i]!;
        assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `step ${s + 1} param ${w}[${i}]: ${a} vs ${e}`);
      }
    }
  }
  // The trajectory must actually move, or the comparison proves nothing.
  assert.ok(Math.abs(expected[STEPS - 1]![0]![0]! - A0[0]!) > 1e-2);
}

test('sgd with momentum, nesterov and weight decay follows the textbook update', () => {
  const [lr, mu, wd] = [0.05, 0.9, 0.1];
  const expected = runReference(
    () => ({ b: null as number[] | null }),
    (p, g0, s) => {
      const g = g0.map((v, i) => v + wd * p[i]!);
      s.b = s.b === null ? [...g] : s.b.map((b, i) => mu * b + g[i]!); // dampening 0
      const d = g.map((v, i) => v + mu * s.b![i]!);
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * d[i]!;
    },
  );
  assertClose(runLibrary((ps) => sgd(ps, { lr, momentum: mu, nesterov: true, weightDecay: wd })), expected, 2e-6);
});

test('sgd with dampened momentum (no nesterov) starts the buffer at the gradient', () => {
  const [lr, mu, tau] = [0.04, 0.8, 0.3];
  const expected = runReference(
    () => ({ b: null as number[] | null }),
    (p, g, s) => {
      s.b = s.b === null ? [...g] : s.b.map((b, i) => mu * b + (1 - tau) * g[i]!);
      for (let i = 0; i < p.length; i++) p[i] = p[i]! - lr * s.b[i]!;
    },
  );
  assertClose(runLibrary((ps) => sgd(ps, { lr, momentum: mu, dampening: tau })), expected, 2e-6);
});

type AdamRef = { m: number[]; v: number[]; vMax: number[] };
const adamInit = (n: number): AdamRef => ({ m: new Array(n).fill(0), v: new Array(n).fill(0), vMax: new Array(n).fill(0) });

function adamRef(lr: number, b1: number, b2: number, eps: number, wd: number, amsgrad: boolean, decoupled: boolean) {
  return (p: number[], g0: number[], s: AdamRef, t: number): void => {
    if (decoupled) for (let i = 0; i < p.length; i++) p[i] = p[i]! * (1 - lr * wd);
    const g = decoupled ? g0 : g0.map((v, i) => v + wd * p[i]!);
    for (let i = 0; i < p.length; i++) {
      s.m[i] = b1 * s.m[i]! + (1 - b1) * g[i]!;
      s.v[i] = b2 * s.v[i]! + (1 - b2) * g[i]! ** 2;
      const mHat = s.m[i]! / (1 - b1 ** t);
      // torch's code (not its docs) keeps the max of the raw second moment, then bias-corrects.
      s.vMax[i] = Math.max(s.vMax[i]!, s.v[i]!);
      const vHat = (amsgrad ? s.vMax[i]! : s.v[i]!) / (1 - b2 ** t);
      p[i] = p[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  };
}

test('adam with L2 weight decay and bias correction follows the textbook update', () => {
  const o = { lr: 0.1, betas: [0.8, 0.95] as [number, number], eps: 1e-3, weightDecay: 0.05 };
  const expected = runReference(adamInit, adamRef(o.lr, 0.8, 0.95, o.eps, o.weightDecay, false, false));
  assertClose(runLibrary((ps) => adam(ps, o)), expected, 2e-6);
});

test('adam with amsgrad keeps the running maximum of the second moment', () => {
  const o = { lr: 0.2, betas: [0.5, 0.6] as [number, number], eps: 1e-6, amsgrad: true };
  const expected = runReference(adamInit, adamRef(o.lr, 0.5, 0.6, o.eps, 0, true, false));
  const plain = runReference(adamInit, adamRef(o.lr, 0.5, 0.6, o.eps, 0, false, false));
  // The setting must make amsgrad matter, or this test could not tell the two apart.
  assert.ok(Math.abs(expected[STEPS - 1]![0]![0]! - plain[STEPS - 1]![0]![0]!) > 1e-2);
  assertClose(runLibrary((ps) => adam(ps, o)), expected, 2e-6);
});

test('adamW decays the weights decoupled from the gradient', () => {
  const o = { lr: 0.1, weightDecay: 0.5 };
  const expected = runReference(adamInit, adamRef(o.lr, 0.9, 0.999, 1e-8, 0.5, false, true));
  const coupled = runReference(adamInit, adamRef(o.lr, 0.9, 0.999, 1e-8, 0.5, false, false));
  assert.ok(Math.abs(expected[STEPS - 1]![0]![0]! - coupled[STEPS - 1]![0]![0]!) > 1e-3);
  assertClose(runLibrary((ps) => adamW(ps, o)), expected, 2e-6);
});

test('adamW defaults to weightDecay 1e-2, adam to 0', () => {
  const p = new Tensor([1], [1]);
  assert.equal(adamW([p]).hyperparameters.weightDecay, 1e-2);
  assert.equal(adam([p]).hyperparameters.weightDecay, 0);
  assert.deepEqual(adam([p]).hyperparameters.betas, [0.9, 0.999]);
  assert.equal(adam([p]).lr, 1e-3);
  assert.equal(rmsprop([p]).lr, 1e-2);
  assert.equal(rmsprop([p]).hyperparameters.alpha, 0.99);
});

test('rmsprop centered with momentum and weight decay follows the textbook update', () => {
  const [lr, alpha, eps, mu, wd] = [0.01, 0.9, 1e-4, 0.7, 0.02];
  const expected = runReference(
    (n) => ({ v: new Array<number>(n).fill(0), gAvg: new Array<number>(n).fill(0), b: new Array<number>(n).fill(0) }),
    (p, g0, s) => {
      const g = g0.map((v, i) => v + wd * p[i]!);
      for (let i = 0; i < p.length; i++) {
        s.v[i] = alpha * s.v[i]! + (1 - alpha) * g[i]! ** 2;
        s.gAvg[i] = alpha * s.gAvg[i]! + (1 - alpha) * g[i]!;
        const denom = Math.sqrt(s.v[i]! - s.gAvg[i]! ** 2) + eps;
        s.b[i] = mu * s.b[i]! + g[i]! / denom;
        p[i] = p[i]! - lr * s.b[i]!;
      }
    },
  );
  assertClose(runLibrary((ps) => rmsprop(ps, { lr, alpha, eps, momentum: mu, centered: true, weightDecay: wd })), expected, 2e-6);
});

test('rmsprop plain form', () => {
  const [lr, alpha] = [0.02, 0.95];
  const expected = runReference(
    (n) => ({ v: new Array<number>(n).fill(0) }),
    (p, g, s) => {
      for (let i = 0; i < p.length; i++) {
        s.v[i] = alpha * s.v[i]! + (1 - alpha) * g[i]! ** 2;
        p[i] = p[i]! - (lr * g[i]!) / (Math.sqrt(s.v[i]!) + 1e-8);
      }
    },
  );
  assertClose(runLibrary((ps) => rmsprop(ps, { lr, alpha })), expected, 2e-6);
});

/** Minimises f from x0 for `steps` steps; returns the final point. */
function minimise(make: (ps: Tensor[]) => Optimizer, grad: (x: Float32Array) => number[], x0: number[], steps: number): Float32Array {
  const x = new Tensor(x0, [x0.length], { requiresGrad: true });
  const opt = make([x]);
  for (let i = 0; i < steps; i++) {
    x.grad = Float32Array.from(grad(x.data));
    opt.step();
  }
  return x.data;
}

const quadGrad = (x: Float32Array): number[] => Array.from(x, (v, i) => 2 * (i + 1) * (v - (i - 1)));
const rosenGrad = ([x, y]: Float32Array): number[] => [-2 * (1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)];

test('every optimiser converges on a quadratic bowl', () => {
  const makers: Array<[string, (ps: Tensor[]) => Optimizer]> = [
    ['sgd', (ps) => sgd(ps, { lr: 0.05, momentum: 0.9, nesterov: true })],
    ['adam', (ps) => adam(ps, { lr: 0.05 })],
    ['adamW', (ps) => adamW(ps, { lr: 0.05, weightDecay: 0 })],
    ['rmsprop', (ps) => rmsprop(ps, { lr: 0.01, centered: true, momentum: 0.5 })],
  ];
  for (const [name, make] of makers) {
    const x = minimise(make, quadGrad, [3, -2, 4], 1500);
    x.forEach((v, i) => assert.ok(Math.abs(v - (i - 1)) < 1e-3, `${name}: x[${i}] = ${v}, expected ${i - 1}`));
  }
});

test('adam and sgd with momentum find the Rosenbrock minimum at (1, 1)', () => {
  const a = minimise((ps) => adam(ps, { lr: 0.02 }), rosenGrad, [-1.5, 2], 6000);
  const s = minimise((ps) => sgd(ps, { lr: 5e-4, momentum: 0.9 }), rosenGrad, [-1.5, 2], 20000);
  for (const [name, x] of [['adam', a], ['sgd', s]] as const) {
    assert.ok(Math.abs(x[0]! - 1) < 1e-2 && Math.abs(x[1]! - 1) < 2e-2, `${name} ended at (${x[0]}, ${x[1]})`);
  }
});
