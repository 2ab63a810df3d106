// layer.step with gradients enabled (online learning, per-step losses): it runs on the
// prepared step kernels with one graph node per call. Its gradients must be those of one
// forward over the same sequence; its saved state must never pile up in kernel memory when
// graphs are dropped; a second backward, or weights changed before the backward, stay safe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBackend, gru, lstm, mse, rnn, Rng, setBackend, Tensor, type RecurrentLayer, type RecurrentState } from '../../src/index.js';
import { add, select } from '../../src/autograd/ops.js';
import { singleThreadBackend } from '../../src/kernels/wasm/single.js';
import { randomTensor } from '../helpers/gradcheck.js';

const layers: Record<string, () => RecurrentLayer> = {
  rnn: () => rnn({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 }),
  lstm: () => lstm({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 }),
  'lstm projected': () => lstm({ inputSize: 3, hiddenSize: 5, projSize: 2, numLayers: 2, seed: 1 }),
  gru: () => gru({ inputSize: 3, hiddenSize: 5, numLayers: 2, seed: 1 }),
};

const close = (what: string, got: Float32Array | null, want: Float32Array | null, tol = 2e-5): void => {
  assert.ok(got && want, `${what}: both have a gradient`);
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

/** The same weights, initial state, inputs and targets, for a stepped and a whole-sequence run. */
function setup(make: () => RecurrentLayer) {
  const layer = make();
  const rng = new Rng(5);
  const T = 4;
  const B = 2;
  const x = randomTensor([T, B, 3], rng);
  const targets = randomTensor([T, B, layer.outSize], rng);
  const zero = layer.zeroState(B);
  const h0 = randomTensor(zero.h.shape as number[], rng, 0.5, true);
  const c0 = zero.c ? randomTensor(zero.c.shape as number[], rng, 0.5, true) : undefined;
  return { layer, T, B, x, targets, h0, c0 };
}

for (const [name, make] of Object.entries(layers)) {
  test(`step with gradients ${name}: the gradients of one forward over the sequence`, () => {
    const { layer, T, B, x, targets, h0, c0 } = setup(make);
    const P = layer.outSize;
    const state0 = (c0 ? { h: h0, c: c0 } : { h: h0 }) as RecurrentState;
    // Reference: the whole sequence at once; loss on every step's output and the final state.
    const full = layer.forward(x, state0);
    let ref = mse(add(full.state.h, full.state.h), new Float32Array(full.state.h.size));
    for (let t = 0; t < T; t++) ref = add(ref, mse(select(full.output, t), targets.data.slice(t * B * P, (t + 1) * B * P)));
    ref.backward();
    const want = layer.parameters().map((p) => p.grad!.slice());
    const wantH0 = h0.grad!.slice();
    const wantC0 = c0?.grad?.slice() ?? null;
    layer.zeroGrad();
    h0.grad = null;
    if (c0) c0.grad = null;

    // Stepped: the same losses, step by step.
    let state = state0;
    const losses: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const xt = new Tensor(x.data.slice(t * B * 3, (t + 1) * B * 3), [B, 3]);
      const r = layer.step(xt, state);
      assert.match(r.output.node?.name ?? '', /_step$/, 'one graph node from the step kernels');
      losses.push(mse(r.output, targets.data.slice(t * B * P, (t + 1) * B * P)));
      state = r.state;
    }
    let total = mse(add(state.h, state.h), new Float32Array(state.h.size));
    for (const l of losses) total = add(total, l);
    total.backward();
    layer.parameters().forEach((p, i) => close(`${name} ${p.shape.join('x')} #${i}`, p.grad, want[i]!));
    close(`${name} dh0`, h0.grad, wantH0);
    if (c0) close(`${name} dc0`, c0.grad, wantC0);
  });
}

test('a second backward through a step says its saved state is gone', () => {
  const layer = lstm({ inputSize: 3, hiddenSize: 4, seed: 2 });
  const r = layer.step(randomTensor([1, 3], new Rng(1)));
  const loss = mse(r.output, new Float32Array(4));
  loss.backward();
  assert.throws(() => loss.backward(), /already freed: each pass can be backpropagated once/);
});

test('weights changed between a step and its backward: the gradients of the weights the step used', () => {
  const rng = new Rng(4);
  const x1 = randomTensor([1, 3], rng);
  const x2 = randomTensor([1, 3], rng);
  const run = (edit: boolean): Float32Array[] => {
    const layer = gru({ inputSize: 3, hiddenSize: 4, seed: 3 });
    const r = layer.step(x1);
    if (edit) {
      // An optimiser step in place, then another step on the new weights (the kernels rebuild).
      for (const p of layer.parameters()) {
        p.data.forEach((v, i) => (p.data[i] = v * 0.5 + 0.1));
        p.version++;
      }
      layer.step(x2, r.state);
    }
    mse(r.output, new Float32Array(4)).backward();
    return layer.parameters().map((p) => p.grad!.slice());
  };
  const want = run(false);
  run(true).forEach((g, i) => assert.deepEqual(g, want[i], `parameter ${i}`));
});

test('a 100-step loop with gradients keeps nothing in kernel memory once its graph is dropped', () => {
  const single = singleThreadBackend();
  assert.ok(single, 'the WASM backend is available');
  const before = getBackend();
  setBackend(single);
  try {
    const layer = lstm({ inputSize: 8, hiddenSize: 32, seed: 6 });
    const rng = new Rng(2);
    const xs = Array.from({ length: 100 }, () => randomTensor([1, 8], rng));
    const loop = (): Tensor => {
      let state = layer.zeroState(1);
      let out: Tensor | null = null;
      for (const xt of xs) ({ output: out, state } = layer.step(xt, state));
      return out!;
    };
    const first = loop();
    assert.ok(first.node && first.requiresGrad, 'the loop recorded a graph');
    const bytes = single.memoryBytes;
    for (let rep = 0; rep < 5; rep++) {
      loop();
      assert.equal(single.saved.size, 0, 'no saved entries live in the kernel store');
      assert.equal(single.saved.bytes, 0);
    }
    assert.equal(single.memoryBytes, bytes, 'the kernel memory did not grow');
    // The graph still backpropagates through all 100 steps.
    mse(first, new Float32Array(32)).backward();
    for (const p of layer.parameters()) assert.ok(p.grad && p.grad.some((v) => v !== 0));
  } finally {
    setBackend(before);
  }
});

test('with gradients, steps see weight changes at once, on either path', () => {
  const a = lstm({ inputSize: 3, hiddenSize: 4, seed: 1 });
  const b = lstm({ inputSize: 3, hiddenSize: 4, seed: 2 });
  const x = randomTensor([1, 3], new Rng(9));
  const expected = b.forward(x.view([1, 1, 3])).output.data;
  a.step(x);
  a.step(x);
  a.loadStateDict(b.stateDict());
  // The first call after the change takes the sequence path, the next ones rebuilt kernels.
  for (let i = 0; i < 3; i++) {
    const got = a.step(x).output.data;
    for (let j = 0; j < 4; j++) assert.ok(Math.abs(got[j]! - expected[j]!) < 1e-6, `call ${i} element ${j}`);
  }
});
