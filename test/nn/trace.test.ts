import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addScalars, gru, lstm, rnn, Rng, type Tensor, weightedSum } from '../../src/index.js';
import { randomTensor } from '../helpers/gradcheck.js';

test('LSTM trace: gates, cell and hidden state obey the LSTM equations', () => {
  const rng = new Rng(8);
  const layer = lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 3 });
  const x = randomTensor([6, 2, 3], rng, 1, true);
  const { trace, output } = layer.forward(x, undefined, { trace: true });
  assert.equal(trace!.length, 4);
  const top = trace![2]!; // layer 1, forward
  assert.equal(top.layer, 1);
  assert.equal(top.direction, 0);
  const { i, f, g, o } = top.gates as Record<string, Tensor>;
  for (let t = 0; t < 6; t++) {
    for (let b = 0; b < 2; b++) {
      for (let k = 0; k < 4; k++) {
        const cPrev = t === 0 ? 0 : top.c!.get(t - 1, b, k);
        const c = f!.get(t, b, k) * cPrev + i!.get(t, b, k) * g!.get(t, b, k);
        assert.ok(Math.abs(top.c!.get(t, b, k) - c) < 1e-6);
        assert.ok(Math.abs(top.h.get(t, b, k) - o!.get(t, b, k) * Math.tanh(c)) < 1e-6);
        assert.ok(Math.abs(output.get(t, b, k) - top.h.get(t, b, k)) < 1e-7);
      }
    }
  }
  // The reverse direction of the top layer fills the second half of the output.
  const rev = trace![3]!;
  assert.ok(Math.abs(output.get(0, 1, 4 + 2) - rev.h.get(0, 1, 2)) < 1e-7);
});

test('GRU trace: h = (1 - z) n + z h_prev; gates in (0, 1)', () => {
  const layer = gru({ inputSize: 2, hiddenSize: 3, seed: 5 });
  const x = randomTensor([5, 1, 2], new Rng(1));
  const tr = layer.forward(x, undefined, { trace: true }).trace![0]!;
  const { r, z, n } = tr.gates;
  for (let t = 0; t < 5; t++) {
    for (let k = 0; k < 3; k++) {
      const hPrev = t === 0 ? 0 : tr.h.get(t - 1, 0, k);
      const zz = z!.get(t, 0, k);
      assert.ok(Math.abs(tr.h.get(t, 0, k) - ((1 - zz) * n!.get(t, 0, k) + zz * hPrev)) < 1e-6);
      assert.ok(r!.get(t, 0, k) > 0 && r!.get(t, 0, k) < 1);
    }
  }
  assert.equal(tr.c, null);
});

test('gradH: dL/dh_t after backward; last step equals the loss weights on y and h_n', () => {
  const rng = new Rng(2);
  const layer = rnn({ inputSize: 2, hiddenSize: 3, seed: 4 });
  const x = randomTensor([7, 2, 2], rng, 1, true);
  const res = layer.forward(x, undefined, { trace: true });
  const gY = randomTensor([7, 2, 3], rng).data;
  const gH = randomTensor([1, 2, 3], rng).data;
  assert.equal(res.trace![0]!.gradH, null);
  const loss = weightedSum(res.output, gY);
  const lossH = weightedSum(res.state.h, gH);
  addScalars([loss, lossH]).backward();
  const gradH = res.trace![0]!.gradH!;
  assert.deepEqual(gradH.shape, [7, 2, 3]);
  for (let b = 0; b < 2; b++) {
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(gradH.get(6, b, k) - (gY[(6 * 2 + b) * 3 + k]! + gH[b * 3 + k]!)) < 1e-6);
    }
  }
});

test('a plain tanh RNN gradient vanishes over distance; an LSTM with forget bias keeps more of it', () => {
  const T = 60;
  const rng = new Rng(7);
  const x = randomTensor([T, 1, 4], rng);
  const ratio = (layer: ReturnType<typeof rnn> | ReturnType<typeof lstm>) => {
    const res = layer.forward(x, undefined, { trace: true });
    const w = new Float32Array(res.output.size);
    w.fill(1, (T - 1) * res.output.shape[2]!); // loss on the last output only
    weightedSum(res.output, w).backward();
    const g = res.trace![0]!.gradH!;
    const norm = (t: number) => Math.hypot(...Array.from(g.data.subarray(t * g.shape[2]!, (t + 1) * g.shape[2]!)));
    return norm(0) / norm(T - 1);
  };
  const rnnRatio = ratio(rnn({ inputSize: 4, hiddenSize: 16, seed: 1 }));
  const lstmRatio = ratio(lstm({ inputSize: 4, hiddenSize: 16, seed: 1, forgetBias: 3 }));
  assert.ok(rnnRatio < 1e-3, `RNN gradient ratio ${rnnRatio}`);
  assert.ok(lstmRatio > rnnRatio * 100, `LSTM ${lstmRatio} vs RNN ${rnnRatio}`);
});
