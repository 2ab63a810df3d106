import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gru, lstm } from '../../../src/nn/layers/factories.js';
import { noGrad } from '../../../src/autograd/graph.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { exportOnnx } from '../../../src/io/onnx/export/recurrent.js';
import { assertClose, ErrorLog, makeLayer, randomTensor, runOrt, type Feed, type LayerKind } from './helpers.js';

/** Every exported variant runs in onnxruntime and must match recur's forward within 1e-5. */

interface Variant {
  kind: LayerKind;
  numLayers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  bias?: boolean;
  state?: boolean;
  lengths?: boolean;
}


const variants: Variant[] = [];
for (const kind of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const) {
  variants.push({ kind });
  variants.push({ kind, numLayers: 2 });
  variants.push({ kind, bidirectional: true });
  variants.push({ kind, batchFirst: true });
  variants.push({ kind, bias: false });
  variants.push({ kind, state: true });
  variants.push({ kind, lengths: true });
  variants.push({ kind, numLayers: 2, bidirectional: true, batchFirst: true, bias: false, state: true, lengths: true });
  variants.push({ kind, numLayers: 2, bidirectional: true, state: true, lengths: true });
}

const log = new ErrorLog();
const label = (v: Variant): string =>
  [v.kind, `L${v.numLayers ?? 1}`, v.bidirectional && 'bi', v.batchFirst && 'bf', v.bias === false && 'nobias', v.state && 'h0', v.lengths && 'lengths']
    .filter(Boolean)
    .join(' ');

describe('exportOnnx vs onnxruntime', () => {
  after(() => console.log(`export max errors vs onnxruntime:\n${log.summary()}`));
  variants.forEach((v, k) => {
    test(label(v), async () => {
      const I = 3, H = 5, T = 6, B = 3;
      const layer = makeLayer(v.kind, {
        inputSize: I, hiddenSize: H, numLayers: v.numLayers ?? 1, bidirectional: v.bidirectional ?? false,
        batchFirst: v.batchFirst ?? false, bias: v.bias ?? true, seed: 100 + k,
      });
      const rng = new Rng(7 + k);
      const D = layer.numDirections;
      const n = layer.options.numLayers * D;
      const x = randomTensor(v.batchFirst ? [B, T, I] : [T, B, I], rng);
      const h0 = randomTensor([n, B, H], rng, 0.5);
      const c0 = randomTensor([n, B, H], rng, 0.5);
      const lengths = [4, 6, 1];
      const isLstm = v.kind === 'lstm';
      const state = v.state ? (isLstm ? { h: h0, c: c0 } : { h: h0 }) : undefined;
      const ref = noGrad(() => layer.forward(x, state, v.lengths ? { lengths } : {}));

      const bytes = exportOnnx(layer, { initialState: v.state ?? false, lengths: v.lengths ?? false });
      const feeds: Record<string, Feed> = { input: x };
      if (v.state) {
        feeds.h0 = h0;
        if (isLstm) feeds.c0 = c0;
      }
      if (v.lengths) feeds.lengths = { int32: lengths, shape: [B] };
      const got = await runOrt(bytes, feeds);
      log.add(label(v), assertClose(got.output!, ref.output, 'output'));
      log.add(label(v), assertClose(got.h_n!, ref.state.h, 'h_n'));
      if (isLstm) log.add(label(v), assertClose(got.c_n!, ref.state.c!, 'c_n'));
      else assert.equal(got.c_n, undefined);
    });
  });

  test('default export has h0/c0 inputs and streams: two halves equal the whole', async () => {
    const layer = lstm({ inputSize: 2, hiddenSize: 4, seed: 3 });
    const rng = new Rng(1);
    const x = randomTensor([6, 2, 2], rng);
    const bytes = exportOnnx(layer);
    const zeros = randomTensor([1, 2, 4], rng, 0);
    const first = await runOrt(bytes, { input: new Tensor(x.data.slice(0, 3 * 4), [3, 2, 2]), h0: zeros, c0: zeros });
    const second = await runOrt(bytes, { input: new Tensor(x.data.slice(3 * 4), [3, 2, 2]), h0: first.h_n!, c0: first.c_n! });
    const ref = noGrad(() => layer.forward(x));
    assertClose(second.h_n!, ref.state.h, 'h_n after two chunks');
    assertClose(second.c_n!, ref.state.c, 'c_n after two chunks');
  });

  for (const opset of [17, 21]) {
    test(`opset ${opset} export runs in onnxruntime`, async () => {
      const layer = gru({ inputSize: 2, hiddenSize: 3, bidirectional: true, seed: 2 });
      const x = randomTensor([4, 2, 2], new Rng(opset));
      const got = await runOrt(exportOnnx(layer, { opset, initialState: false }), { input: x });
      assertClose(got.output!, noGrad(() => layer.forward(x)).output, 'output');
    });
  }

  for (const [numLayers, bidirectional, batchFirst, bias, withState, withLengths] of [
    [1, false, false, true, false, false],
    [1, false, true, true, true, false],
    [2, true, false, false, true, true],
    [2, true, true, true, false, true],
  ] as const) {
    const name = `projected lstm L${numLayers}${bidirectional ? ' bi' : ''}${batchFirst ? ' bf' : ''}${bias ? '' : ' nobias'}${withState ? ' h0' : ''}${withLengths ? ' lengths' : ''} (Scan)`;
    test(name, async () => {
      const layer = lstm({ inputSize: 3, hiddenSize: 6, projSize: 2, numLayers, bidirectional, batchFirst, bias, seed: 21 });
      const rng = new Rng(4);
      const B = 3, T = 5, n = numLayers * layer.numDirections;
      const x = randomTensor(batchFirst ? [B, T, 3] : [T, B, 3], rng);
      const h0 = randomTensor([n, B, 2], rng, 0.5);
      const c0 = randomTensor([n, B, 6], rng, 0.5);
      const lengths = [5, 2, 3];
      const ref = noGrad(() => layer.forward(x, withState ? { h: h0, c: c0 } : undefined, withLengths ? { lengths } : {}));
      const feeds: Record<string, Feed> = { input: x };
      if (withState) Object.assign(feeds, { h0, c0 });
      if (withLengths) feeds.lengths = { int32: lengths, shape: [B] };
      const got = await runOrt(exportOnnx(layer, { initialState: withState, lengths: withLengths }), feeds);
      log.add(name, assertClose(got.output!, ref.output, 'output'));
      log.add(name, assertClose(got.h_n!, ref.state.h, 'h_n'));
      log.add(name, assertClose(got.c_n!, ref.state.c, 'c_n'));
    });
  }

  test('unknown options and opsets below 14 are refused', () => {
    const layer = gru({ inputSize: 3, hiddenSize: 4 });
    assert.throws(() => exportOnnx(layer, { lenghts: true } as never), /unknown option\(s\) lenghts/);
    assert.throws(() => exportOnnx(layer, { opset: 12 }), /opset must be an integer >= 14/);
  });
});
