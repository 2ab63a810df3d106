import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, ShapeError, StateDictError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { sgd } from '../../src/training/optimizers/sgd.js';
import { adam, adamW } from '../../src/training/optimizers/adam.js';
import { rmsprop } from '../../src/training/optimizers/rmsprop.js';
import type { Optimizer, OptimizerState } from '../../src/training/optimizers/optimizer.js';

const expectError = (fn: () => unknown, cls: new (...a: never[]) => Error, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return true;
  });

type Make = (ps: Array<[string, Tensor]>) => Optimizer;
const makers: Array<[string, Make]> = [
  ['sgd', (ps) => sgd(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['adam', (ps) => adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
  ['adamW', (ps) => adamW(ps, { lr: 0.01 })],
  ['rmsprop', (ps) => rmsprop(ps, { lr: 0.01, momentum: 0.9, centered: true })],
];

function makeParams(): Array<[string, Tensor]> {
  return [
    ['layer.weight', new Tensor([0.3, -0.7, 1.1, 0.05, -0.4, 0.9], [2, 3], { requiresGrad: true })],
    ['layer.bias', new Tensor([0.2, -0.1], [2], { requiresGrad: true })],
  ];
}

function setGrads(ps: Array<[string, Tensor]>, step: number): void {
  for (const [name, p] of ps) {
    // The bias gets no gradient on odd steps, so its step count and buffers lag the weight's.
    p.grad = name.endsWith('bias') && step % 2 === 1 ? null : p.data.map((v, i) => Math.sin(3 * v + i + step) + 0.5 * v);
  }
}

/** What a checkpoint does: meta through JSON text, buffers copied (as a safetensors file would). */
function throughCheckpoint(s: OptimizerState): OptimizerState {
  const meta = JSON.parse(JSON.stringify(s.meta)) as OptimizerState['meta'];
  const buffers = Object.fromEntries(Object.entries(s.buffers).map(([k, b]) => [k, new Float32Array(b)]));
  return { meta, buffers };
}

for (const [name, make] of makers) {
  test(`${name}: restoring a mid-run snapshot continues bit for bit`, () => {
    const ps = makeParams();
    const opt = make(ps);
    for (let step = 0; step < 5; step++) {
      setGrads(ps, step);
      opt.step();
      opt.lr *= 0.9; // a schedule at work: the lr must be restored too
    }
    const snapshot = throughCheckpoint(opt.getState());
    const weights = ps.map(([, p]) => p.data.slice());

    const ps2: Array<[string, Tensor]> = ps.map(([n, p], i) => [n, new Tensor(weights[i]!, p.shape, { requiresGrad: true })]);
    const resumed = make(ps2);
    resumed.setState(snapshot);
    assert.equal(resumed.lr, opt.lr);

    for (let step = 5; step < 12; step++) {
      setGrads(ps, step);
      setGrads(ps2, step);
      opt.step();
      resumed.step();
    }
    ps.forEach(([n, p], i) => assert.deepEqual(ps2[i]![1].data, p.data, `${n} differs after resuming`));
    assert.deepEqual(resumed.getState(), opt.getState());
    // A fresh optimiser (no restore) would have diverged: the check above has teeth.
    const ps3: Array<[string, Tensor]> = ps.map(([n, p], i) => [n, new Tensor(weights[i]!, p.shape)]);
    const fresh = make(ps3);
    fresh.lr = opt.lr;
    for (let step = 5; step < 12; step++) {
      setGrads(ps3, step);
      fresh.step();
    }
    assert.notDeepEqual(ps3[0]![1].data, ps[0]![1].data);
  });
}

test('state uses PyTorch buffer names under the parameter names, and per-parameter steps', () => {
  const ps = makeParams();
  const opt = adam(ps, { amsgrad: true });
  setGrads(ps, 0);
  opt.step();
  const s = opt.getState();
  assert.deepEqual(Object.keys(s.buffers).sort(), ['layer.bias.exp_avg', 'layer.bias.exp_avg_sq', 'layer.bias.max_exp_avg_sq', 'layer.weight.exp_avg', 'layer.weight.exp_avg_sq', 'layer.weight.max_exp_avg_sq']);
  setGrads(ps, 1); // bias skipped
  opt.step();
  assert.deepEqual(opt.getState().meta.params.map((p) => p.step), [2, 1]);
  assert.equal(opt.getState().meta.kind, 'adam');
  // Unnamed parameters are keyed by position, as torch's state_dict does.
  const t = new Tensor([1, 2], [2]);
  const o2 = sgd([t], { momentum: 0.5 });
  t.grad = new Float32Array([1, 1]);
  o2.step();
  assert.deepEqual(Object.keys(o2.getState().buffers), ['0.momentum_buffer']);
  assert.deepEqual(o2.getState().buffers['0.momentum_buffer'], new Float32Array([1, 1]));
});

test('snapshots are copies: later steps do not change a saved state', () => {
  const ps = makeParams();
  const opt = rmsprop(ps);
  setGrads(ps, 0);
  opt.step();
  const s = opt.getState();
  const before = s.buffers['layer.weight.square_avg']!.slice();
  setGrads(ps, 2);
  opt.step();
  assert.deepEqual(s.buffers['layer.weight.square_avg'], before);
});

test('setState rejects a snapshot that does not fit, and changes nothing', () => {
  const ps = makeParams();
  const opt = adam(ps, { lr: 0.01 });
  setGrads(ps, 0);
  opt.step();
  const good = opt.getState();
  const other = adam(makeParams(), { lr: 0.5 });
  expectError(() => other.setState({ ...good, meta: { ...good.meta, kind: 'sgd' } }), StateDictError, /state is for 'sgd', this optimiser is 'adam'/);
  const missing = { ...good, buffers: { ...good.buffers } };
  delete missing.buffers['layer.bias.exp_avg_sq'];
  expectError(() => other.setState(missing), StateDictError, /missing buffer 'layer.bias.exp_avg_sq'/);
  expectError(
    () => other.setState({ ...good, buffers: { ...good.buffers, 'layer.weight.exp_avg': new Float32Array(5) } }),
    StateDictError,
    /'layer.weight.exp_avg' has 5 values, expected 6/,
  );
  expectError(() => other.setState({ ...good, buffers: { ...good.buffers, 'layer.weight.momentum_buffer': new Float32Array(6) } }), StateDictError, /unexpected buffers: 'layer.weight.momentum_buffer'/);
  expectError(() => sgd([new Tensor([1], [1])]).setState(sgd([new Tensor([1, 2], [2])]).getState()), StateDictError, /parameter 0 is '0' with 2 values/);
  expectError(() => other.setState({ ...good, meta: { ...good.meta, options: { ...good.meta.options, eps: -1 } } }), OptionError, /eps must be a number in \[0, Infinity\), got -1/);
  assert.equal(other.lr, 0.5);
  assert.deepEqual(other.getState().buffers, {});
});

test('options are validated, naming the option, expected and given', () => {
  const p = [new Tensor([1], [1])];
  expectError(() => sgd(p, { lr: -0.1 }), OptionError, /sgd: lr must be a number in \[0, Infinity\), got -0.1/);
  expectError(() => sgd(p, { lr: 0.1, nesterov: true }), OptionError, /nesterov needs momentum > 0 and dampening 0, got momentum 0/);
  expectError(() => sgd(p, { lr: 0.1, momentom: 0.9 } as never), OptionError, /unknown option 'momentom'/);
  expectError(() => adam(p, { betas: [0.9, 1] }), OptionError, /betas\[1\] must be a number in \[0, 1\), got 1/);
  expectError(() => adam(p, { betas: [0.9] as never }), OptionError, /betas must be a pair/);
  expectError(() => rmsprop(p, { alpha: 1.5 }), OptionError, /alpha must be a number in \[0, 1\], got 1.5/);
  expectError(() => adamW([]), OptionError, /adamW: got an empty parameter list/);
  expectError(() => adam([p[0]!, p[0]!]), OptionError, /params\[1\] \('1'\) appears more than once/);
  const opt = adam(p);
  expectError(() => {
    opt.lr = Number.NaN;
  }, OptionError, /lr must be a number/);
});

test('a parameter with grad null is skipped; a wrongly sized grad is an error', () => {
  const a = new Tensor([1, 2], [2]);
  const b = new Tensor([3], [1]);
  const opt = sgd([a, b], { lr: 0.5, momentum: 0.9 });
  a.grad = new Float32Array([2, -2]);
  opt.step();
  assert.deepEqual(a.data, new Float32Array([0, 3]));
  assert.deepEqual(b.data, new Float32Array([3]));
  assert.deepEqual(Object.keys(opt.getState().buffers), ['0.momentum_buffer']);
  const ga = a.grad;
  opt.zeroGrad(); // in place, as PyTorch 1.13's zero_grad()
  assert.equal(a.grad, ga);
  assert.deepEqual(a.grad, new Float32Array([0, 0]));
  opt.zeroGrad({ setToNone: true });
  assert.equal(a.grad, null);
  b.grad = new Float32Array(2);
  expectError(() => opt.step(), ShapeError, /'1' has 1 values but its grad has 2/);
});
