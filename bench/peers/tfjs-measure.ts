// TensorFlow.js models and measurements of the workloads, free of Node APIs: used by the
// Node peer (tfjs.ts, one backend per process) and by the browser bench's tfjs worker.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { okMeasurement, timeCalls, type TimingOptions } from '../harness.js';
import { buildLayer, layerWeights } from '../models.js';
import { digest, flops, makeInput, makeTarget, swap01, type Measurement, type PeerConfig, type Workload } from '../workloads.js';

function tensors(x: tf.Tensor | tf.Tensor[] | tfl.SymbolicTensor | tfl.SymbolicTensor[]): tf.Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  return list.map((t) => {
    if (!(t instanceof tf.Tensor)) throw new Error('tfjs: expected an eager tensor');
    return t;
  });
}

/** PyTorch [rows, cols] -> tfjs kernel [cols, rows]. */
function transposed(data: Float32Array, rows: number, cols: number): tf.Tensor2D {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return tf.tensor2d(out, [cols, rows]);
}

/** recur's (PyTorch-layout) weights of one layer/direction as tfjs [kernel, recurrentKernel, bias]. */
function tfjsWeights(w: Map<string, Float32Array>, sfx: string, G: number, inSize: number, H: number): tf.Tensor[] {
  const get = (n: string): Float32Array => {
    const v = w.get(n + sfx);
    if (!v) throw new Error(`missing weight ${n + sfx}`);
    return v;
  };
  const bIh = get('bias_ih');
  const bHh = get('bias_hh');
  return [transposed(get('weight_ih'), G * H, inSize), transposed(get('weight_hh'), G * H, H), tf.tensor1d(bIh.map((v, i) => v + bHh[i]!))];
}

function recurrentLayer(wl: Workload, units: number, extra: { returnSequences: boolean; returnState?: boolean }): tfl.layers.Layer {
  const common = {
    units,
    ...extra,
    kernelInitializer: 'glorotUniform',
    // tfjs-layers' default orthogonal initialiser crashes without the chained-ops bundle.
    recurrentInitializer: 'glorotUniform',
  } as const;
  if (wl.cell === 'lstm') return tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' });
  if (wl.cell === 'gru') return tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' });
  return tfl.layers.simpleRNN({ ...common, activation: 'tanh' });
}

/** The stack of layers of a workload, built and (except for GRU) loaded with recur's weights. */
function buildStack(wl: Workload, returnState = false): { layers: tfl.layers.Layer[]; sameMaths: boolean } {
  const H = wl.hiddenSize;
  const G = wl.cell === 'lstm' ? 4 : wl.cell === 'gru' ? 3 : 1;
  const D = wl.bidirectional ? 2 : 1;
  const layers: tfl.layers.Layer[] = [];
  for (let l = 0; l < wl.numLayers; l++) {
    const rl = recurrentLayer(wl, H, { returnSequences: !returnState, returnState });
    layers.push(wl.bidirectional ? tfl.layers.bidirectional({ layer: rl as tfl.RNN, mergeMode: 'concat' }) : rl);
  }
  // Build with a tiny input, then load recur's weights (GRU maths differ: keep tfjs's own).
  let probe: tf.Tensor = tf.zeros([1, 1, wl.inputSize]);
  for (const layer of layers) {
    const outs = returnState
      ? tensors(layer.apply(probe, { initialState: zeroStates(wl, 1) }))
      : tensors(layer.apply(probe));
    probe = outs[0]!;
  }
  const sameMaths = wl.cell !== 'gru';
  if (sameMaths) {
    const w = layerWeights(buildLayer(wl));
    layers.forEach((layer, l) => {
      const inSize = l === 0 ? wl.inputSize : D * H;
      const ws = tfjsWeights(w, `_l${l}`, G, inSize, H);
      if (D === 2) ws.push(...tfjsWeights(w, `_l${l}_reverse`, G, inSize, H));
      layer.setWeights(ws);
    });
  }
  return { layers, sameMaths };
}

function zeroStates(wl: Workload, batch: number): tf.Tensor[] {
  const h = tf.zeros([batch, wl.hiddenSize]);
  return wl.cell === 'lstm' ? [h, tf.zeros([batch, wl.hiddenSize])] : [h];
}

const GRU_NOTE =
  "tfjs-layers' GRU has no reset_after: it applies the reset gate before the recurrent product (PyTorch/recur after), " +
  'so the maths differs slightly (same FLOPs) and its own weights are used';

/** Batch-major input [batch, seq, in] of the workload. */
function batchMajorInput(wl: Workload): tf.Tensor3D {
  return tf.tensor3d(swap01(makeInput(wl), wl.seq, wl.batch, wl.inputSize), [wl.batch, wl.seq, wl.inputSize]);
}

function forwardStack(layers: tfl.layers.Layer[], x: tf.Tensor): tf.Tensor {
  let y = x;
  for (const layer of layers) y = tensors(layer.apply(y))[0]!;
  return y;
}

/** One measurement of tfjs on the active backend (`backend` names it: 'cpu' or 'wasm'). */
export async function measureTfjs(backend: string, threads: number, wl: Workload, config: PeerConfig): Promise<Measurement> {
  const base = { peer: 'tfjs', variant: backend, threads, workload: wl.id };
  if (wl.kind === 'backward' || wl.kind === 'steps-grad') return { ...base, status: 'n/a', note: 'not run: W7/W8 compare per-call autograd cost with PyTorch' };
  const slow = !config.quick && backend === 'cpu' && flops(wl) > 1e9;
  const timing = (prime: () => unknown): TimingOptions =>
    // The cpu backend takes ~20 s per W2 call: 3 repetitions after a small-shape warm-up.
    slow ? { warmup: 0, prime, minReps: 3, maxReps: 3, budgetMs: 0 } : { minReps: backend === 'cpu' ? 3 : 5, budgetMs: config.budgetMs };
  if (wl.kind === 'forward') {
    const { layers, sameMaths } = buildStack(wl);
    const x = batchMajorInput(wl);
    const small = tf.zeros([wl.batch, 2, wl.inputSize]);
    const run = (): void => tf.tidy(() => void forwardStack(layers, x).dataSync());
    const samples = await timeCalls(run, timing(() => tf.tidy(() => void forwardStack(layers, small).dataSync())));
    const out = tf.tidy(() => tf.transpose(forwardStack(layers, x), [1, 0, 2]).dataSync());
    const extra: Pick<Measurement, 'digest' | 'note'> = {};
    if (sameMaths && out instanceof Float32Array) extra.digest = digest(out);
    else extra.note = GRU_NOTE;
    return okMeasurement(base, samples, extra);
  }
  if (wl.kind === 'steps') {
    const { layers } = buildStack(wl, true);
    const layer = layers[0]!;
    const all = makeInput(wl);
    const n = wl.batch * wl.inputSize;
    const xs = Array.from({ length: wl.seq }, (_, t) => tf.tensor3d(all.slice(t * n, (t + 1) * n), [wl.batch, 1, wl.inputSize]));
    const run = (): Float32Array => {
      let state = zeroStates(wl, wl.batch);
      let last: tf.Tensor | null = null;
      for (const xt of xs) {
        const outs = tf.tidy(() => tensors(layer.apply(xt, { initialState: state })));
        const h = outs[0]!;
        h.dataSync(); // each call completes before the next, as a streaming caller would need it
        // LSTM returns [output, h, c] where output and h may be the same tensor.
        for (const t of new Set([...state, ...(last ? [last] : [])])) if (!outs.includes(t)) t.dispose();
        last = h;
        state = outs.slice(1);
      }
      const data = last!.dataSync();
      for (const t of new Set([...state, last!])) t.dispose();
      if (!(data instanceof Float32Array)) throw new Error('tfjs: float32 output expected');
      return data;
    };
    const samples = await timeCalls(run, timing(() => run()));
    return okMeasurement(base, samples, {
      digest: digest(run()),
      note: `${wl.seq} calls of lstm.apply(x [${wl.batch}, 1, ${wl.inputSize}], {initialState}) with returnState, output read after each`,
    });
  }
  // Training step: LSTM (returnSequences) + Dense at every step, MSE, Adam, via trainOnBatch.
  const model = tfl.sequential({
    layers: [
      tfl.layers.lstm({
        units: wl.hiddenSize,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        recurrentInitializer: 'glorotUniform',
        inputShape: [wl.seq, wl.inputSize],
      }),
      tfl.layers.dense({ units: wl.headOut }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  const x = batchMajorInput(wl);
  const y = tf.tensor3d(swap01(makeTarget(wl), wl.seq, wl.batch, wl.headOut), [wl.batch, wl.seq, wl.headOut]);
  const xs = tf.zeros([wl.batch, 2, wl.inputSize]);
  const ys = tf.zeros([wl.batch, 2, wl.headOut]);
  const smallModelPrime = async (): Promise<void> => {
    // A step on a 2-step sequence compiles the kernels without a full-size call.
    const m = tfl.sequential({
      layers: [
        tfl.layers.lstm({ units: wl.hiddenSize, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', inputShape: [2, wl.inputSize] }),
        tfl.layers.dense({ units: wl.headOut }),
      ],
    });
    m.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
    await m.trainOnBatch(xs, ys);
  };
  let loss = 0;
  const samples = await timeCalls(async () => {
    const l = await model.trainOnBatch(x, y);
    loss = Array.isArray(l) ? l[0]! : l;
  }, timing(smallModelPrime));
  return okMeasurement(base, samples, { note: `model.trainOnBatch (LSTM + Dense, MSE, Adam lr 1e-3); last loss ${loss.toPrecision(4)}` });
}

