import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gru, lstm, noGrad, rnn, Rng, Tensor, weightedSum, type RecurrentLayer, type RecurrentState } from '../../../src/index.js';
import { getBackend } from '../../../src/kernels/backend.js';
import { jsBackend } from '../../../src/kernels/js/index.js';
import { variantSequenceBackward, variantSequenceForward } from '../../../src/kernels/js/variants/index.js';
import type { CellMode, CellVariant, SequenceForwardArgs } from '../../../src/kernels/types.js';
import { randomTensor } from '../../helpers/gradcheck.js';
import { maxAbsDiff } from './helpers.js';

/** The documented identities: each variant switched off (or at evaluation) is the plain cell. */

const NEUTRAL: CellVariant = { peephole: null, coupleInputForget: false, clip: Infinity, resetAfter: true, layerNorm: null, inputMask: null, hiddenMask: null, zoneout: null };

function kernelArgs(mode: CellMode, reverse: boolean, variant: CellVariant | undefined, rng: Rng): SequenceForwardArgs {
  const T = 6, B = 3, I = 4, H = 5;
  const G = (mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1) * H;
  const r = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-0.8, 0.8));
  return {
    mode,
    dims: { T, B, I, H, P: H },
    weights: { wIh: r(G * I), wHh: r(G * H), bIh: r(G), bHh: r(G), wHr: null },
    x: r(T * B * I),
    h0: r(B * H),
    c0: mode === 'lstm' ? r(B * H) : null,
    lengths: Int32Array.from([6, 2, 4]),
    reverse,
    saveForBackward: true,
    trace: false,
    ...(variant ? { variant } : {}),
  };
}

describe('variant kernels with every variant off equal the plain kernels', () => {
  const ones = (n: number) => new Float32Array(n).fill(1);
  const T = 6, B = 3, I = 4, H = 5;
  const offs: Array<[string, CellVariant]> = [
    ['neutral', NEUTRAL],
    // dropout p = 0: masks of ones; zoneout p = 0: every d = 0 (training masks) or p = 0 (evaluation)
    ['masks of ones, zoneout masks of zeros', { ...NEUTRAL, inputMask: ones(B * I), hiddenMask: ones(B * H), zoneout: { h: new Float32Array(T * B * H), c: new Float32Array(T * B * H), p: 0 } }],
    ['zoneout p = 0 at evaluation', { ...NEUTRAL, zoneout: { h: null, c: null, p: 0 } }],
  ];
  for (const mode of ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const) {
    for (const reverse of [false, true]) {
      for (const [label, v] of offs) {
        test(`${mode}${reverse ? ' reverse' : ''}, ${label}: forward and gradients`, () => {
          const plain = kernelArgs(mode, reverse, undefined, new Rng(7));
          const withV = { ...kernelArgs(mode, reverse, undefined, new Rng(7)), variant: v };
          const a = jsBackend.sequenceForward(plain);
          const b = variantSequenceForward(withV);
          assert.ok(maxAbsDiff(a.y, b.y) < 1e-6, `y ${maxAbsDiff(a.y, b.y)}`);
          assert.ok(maxAbsDiff(a.hN, b.hN) < 1e-6);
          if (a.cN && b.cN) assert.ok(maxAbsDiff(a.cN, b.cN) < 1e-6);
          const rng = new Rng(3);
          const dy = Float32Array.from({ length: a.y.length }, () => rng.uniform(-1, 1));
          const dhN = Float32Array.from({ length: a.hN.length }, () => rng.uniform(-1, 1));
          const ga = jsBackend.sequenceBackward({ forward: plain, result: a, dy, dhN, dcN: a.cN ? dhN : null, stepGrads: false });
          const gb = variantSequenceBackward({ forward: withV, result: b, dy, dhN, dcN: b.cN ? dhN : null, stepGrads: false });
          for (const k of ['dx', 'dh0', 'dWIh', 'dWHh', 'dBIh', 'dBHh'] as const) {
            assert.ok(maxAbsDiff(ga[k]!, gb[k]!) < 1e-5, `${k}: ${maxAbsDiff(ga[k]!, gb[k]!)}`);
          }
          if (ga.dc0 && gb.dc0) assert.ok(maxAbsDiff(ga.dc0, gb.dc0) < 1e-5);
        });
      }
    }
  }
});

function sameWeights<S extends RecurrentState>(from: RecurrentLayer<S>, to: RecurrentLayer<S>): void {
  to.loadStateDict(Object.fromEntries(Object.entries(from.stateDict()).filter(([n]) => n.startsWith('weight_') || n.startsWith('bias_'))), { strict: false });
}

describe('layer identities', () => {
  const x = randomTensor([7, 3, 4], new Rng(1), 1);

  test('a fresh peephole LSTM (peepholes start at 0) computes the plain LSTM', () => {
    const a = noGrad(() => lstm({ inputSize: 4, hiddenSize: 5, seed: 3 }).forward(x));
    const b = noGrad(() => lstm({ inputSize: 4, hiddenSize: 5, seed: 3, peephole: true }).forward(x));
    assert.ok(maxAbsDiff(a.output.data, b.output.data) < 1e-6);
  });

  for (const kind of ['lstm', 'gru', 'rnn'] as const) {
    test(`${kind}: recurrent dropout is off at evaluation, on (and seeded) in training`, () => {
      const make = (o: object) => (kind === 'lstm' ? lstm : kind === 'gru' ? gru : rnn)({ inputSize: 4, hiddenSize: 5, numLayers: 2, seed: 3, ...o }) as RecurrentLayer<RecurrentState>;
      const plain = make({});
      const drop = make({ recurrentDropout: 0.4 });
      sameWeights(plain, drop);
      const evalOut = noGrad(() => drop.eval().forward(x)).output;
      assert.ok(maxAbsDiff(evalOut.data, noGrad(() => plain.forward(x)).output.data) < 1e-6, 'evaluation = plain');
      drop.train();
      const t1 = noGrad(() => drop.forward(x)).output;
      assert.ok(maxAbsDiff(t1.data, evalOut.data) > 1e-2, 'training differs');
      const again = make({ recurrentDropout: 0.4 });
      sameWeights(plain, again);
      assert.deepEqual(Array.from(noGrad(() => again.forward(x)).output.data), Array.from(t1.data), 'same seed, same masks');
    });
  }

  test('recurrent dropout uses one input mask per sequence: a dropped feature is dropped at every step', () => {
    const layer = gru({ inputSize: 4, hiddenSize: 5, recurrentDropout: 0.5, seed: 8 });
    const xs = randomTensor([7, 3, 4], new Rng(2), 1, true);
    const { output } = layer.forward(xs);
    weightedSum(output, randomTensor([7, 3, 5], new Rng(4)).data).backward();
    const g = xs.grad!;
    let dropped = 0;
    for (let b = 0; b < 3; b++) {
      for (let k = 0; k < 4; k++) {
        const zeros = Array.from({ length: 7 }, (_, t) => g[(t * 3 + b) * 4 + k] === 0);
        assert.ok(zeros.every((z) => z === zeros[0]), `feature ${k} of sequence ${b}: mask changes over time`);
        if (zeros[0]) dropped++;
      }
    }
    assert.ok(dropped > 0 && dropped < 12, `dropped ${dropped} of 12 (feature, sequence) pairs`);
  });

  test('zoneout at evaluation is the expectation: h = p h_{t-1} + (1-p) h~, c likewise (LSTM)', () => {
    const p = 0.3;
    const plain = lstm({ inputSize: 4, hiddenSize: 5, seed: 6 }).eval();
    const zone = lstm({ inputSize: 4, hiddenSize: 5, seed: 6, zoneout: p }).eval();
    const got = noGrad(() => zone.forward(x));
    let h = Tensor.zeros([1, 3, 5]);
    let c = Tensor.zeros([1, 3, 5]);
    noGrad(() => {
      for (let t = 0; t < 7; t++) {
        const xt = new Tensor(x.data.slice(t * 12, (t + 1) * 12), [3, 4]);
        const s = plain.step(xt, { h, c }).state;
        h = new Tensor(h.data.map((v, i) => p * v + (1 - p) * s.h.data[i]!), [1, 3, 5]);
        c = new Tensor(c.data.map((v, i) => p * v + (1 - p) * s.c.data[i]!), [1, 3, 5]);
        assert.ok(maxAbsDiff(got.output.data.subarray(t * 15, (t + 1) * 15), h.data) < 1e-6, `step ${t}`);
      }
    });
    assert.ok(maxAbsDiff(got.state.c.data, c.data) < 1e-6);
  });

  test('zoneout in training keeps about p of the units at their previous value', () => {
    const p = 0.25;
    const layer = gru({ inputSize: 4, hiddenSize: 32, zoneout: p, seed: 2 });
    const xs = randomTensor([40, 8, 4], new Rng(3), 1);
    const h = noGrad(() => layer.forward(xs)).output.data;
    let kept = 0;
    for (let t = 1; t < 40; t++) for (let k = 0; k < 8 * 32; k++) if (h[t * 256 + k] === h[(t - 1) * 256 + k]) kept++;
    const frac = kept / (39 * 256);
    assert.ok(Math.abs(frac - p) < 0.03, `kept fraction ${frac}`);
  });

  test('layer norm makes the LSTM invariant to the scale of W_ih and W_hh', () => {
    const a = lstm({ inputSize: 4, hiddenSize: 5, seed: 4, layerNorm: true });
    const b = lstm({ inputSize: 4, hiddenSize: 5, seed: 4, layerNorm: true });
    for (const name of ['weight_ih_l0', 'weight_hh_l0']) b.stateDict()[name]!.data.forEach((v, i, arr) => (arr[i] = 3 * v));
    const ya = noGrad(() => a.forward(x)).output.data;
    const yb = noGrad(() => b.forward(x)).output.data;
    // Not exact: eps = 1e-5 inside the square root is not scaled with the weights.
    assert.ok(maxAbsDiff(ya, yb) < 1e-3, `${maxAbsDiff(ya, yb)}`);
    const plain = noGrad(() => lstm({ inputSize: 4, hiddenSize: 5, seed: 4 }).forward(x)).output.data;
    assert.ok(maxAbsDiff(ya, plain) > 1e-2, 'layer norm changes the output');
  });
});

test('variant kernels give the same results with the backend gemm (WebAssembly) as with the reference', (t) => {
  const mm = getBackend().gemm;
  if (!mm) return t.skip(`backend '${getBackend().name}' has no gemm`);
  const rng = new Rng(5);
  const T = 8, B = 16, I = 24, H = 32;
  const r = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-0.3, 0.3));
  for (const mode of ['lstm', 'gru'] as const) {
    const G = (mode === 'lstm' ? 4 : 3) * H;
    const variant: CellVariant = { ...NEUTRAL, resetAfter: mode === 'lstm', clip: 2, peephole: mode === 'lstm' ? r(3 * H) : null };
    const args: SequenceForwardArgs = {
      mode, dims: { T, B, I, H, P: H }, weights: { wIh: r(G * I), wHh: r(G * H), bIh: r(G), bHh: r(G), wHr: null },
      x: r(T * B * I), h0: r(B * H), c0: mode === 'lstm' ? r(B * H) : null, lengths: null, reverse: false, saveForBackward: true, trace: false, variant,
    };
    const a = variantSequenceForward(args);
    const b = variantSequenceForward(args, mm);
    assert.ok(maxAbsDiff(a.y, b.y) < 1e-5, `${mode} y ${maxAbsDiff(a.y, b.y)}`);
    const dy = r(T * B * H);
    const ga = variantSequenceBackward({ forward: args, result: a, dy, dhN: null, dcN: null, stepGrads: false });
    const gb = variantSequenceBackward({ forward: args, result: b, dy, dhN: null, dcN: null, stepGrads: false }, mm);
    for (const k of ['dx', 'dWIh', 'dWHh'] as const) assert.ok(maxAbsDiff(ga[k], gb[k]) < 1e-4, `${mode} ${k} ${maxAbsDiff(ga[k], gb[k])}`);
  }
});

test('step() of a variant layer without gradients (the prepared-kernel path) still computes the variant', () => {
  const layers: Array<RecurrentLayer<RecurrentState>> = [
    lstm({ inputSize: 4, hiddenSize: 5, seed: 1, peephole: true, clip: 0.5, layerNorm: true }),
    lstm({ inputSize: 4, hiddenSize: 5, seed: 1, zoneout: 0.3 }).eval(),
    gru({ inputSize: 4, hiddenSize: 5, seed: 1, resetAfter: false }),
  ];
  const xs = randomTensor([6, 2, 4], new Rng(3), 2);
  for (const layer of layers) {
    for (const [name, t] of Object.entries(layer.stateDict())) if (name.startsWith('weight_p')) t.data.fill(0.7);
    const whole = noGrad(() => layer.forward(xs)).output.data;
    let state = layer.zeroState(2);
    noGrad(() => {
      for (let t = 0; t < 6; t++) {
        const r = layer.step(new Tensor(xs.data.slice(t * 8, (t + 1) * 8), [2, 4]), state);
        state = r.state;
        assert.ok(maxAbsDiff(r.output.data, whole.subarray(t * 10, (t + 1) * 10)) < 1e-6, `step ${t}`);
      }
    });
  }
});
