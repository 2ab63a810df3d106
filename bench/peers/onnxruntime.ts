// onnxruntime-node (CPU execution provider), inference only, on the models recur's own
// exporter writes (`exportOnnx(layer)`): the same weights as recur's benchmarked layers.
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../../src/onnx.js';
import { guarded, okMeasurement, timeCalls, type PeerRunner } from '../harness.js';
import { buildLayer } from '../models.js';
import { digest, makeInput, selectWorkloads, type Measurement, type PeerConfig, type Workload } from '../workloads.js';

export const ORT_THREADS = [1, 2] as const;

type Feeds = Record<string, ort.Tensor>;

/** A session on recur's ONNX export of the workload's model. */
export async function ortSession(wl: Workload, threads: number): Promise<ort.InferenceSession> {
  const bytes = exportOnnx(buildLayer(wl));
  return ort.InferenceSession.create(bytes, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

function zeroState(wl: Workload, session: ort.InferenceSession): Feeds {
  const n = wl.numLayers * (wl.bidirectional ? 2 : 1);
  const dims = [n, wl.batch, wl.hiddenSize];
  const feeds: Feeds = { h0: new ort.Tensor('float32', new Float32Array(n * wl.batch * wl.hiddenSize), dims) };
  if (session.inputNames.includes('c0')) feeds['c0'] = new ort.Tensor('float32', new Float32Array(n * wl.batch * wl.hiddenSize), dims);
  return feeds;
}

function f32(t: ort.Tensor | undefined, name: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new Error(`onnxruntime: output '${name}' is not float32`);
  return t.data;
}

/** The whole-sequence output [seq, batch, D*H] of the workload's model. */
export async function ortForward(session: ort.InferenceSession, wl: Workload): Promise<Float32Array> {
  const feeds: Feeds = { input: new ort.Tensor('float32', makeInput(wl), [wl.seq, wl.batch, wl.inputSize]), ...zeroState(wl, session) };
  const out = await session.run(feeds);
  return f32(out['output'], 'output');
}

/** `seq` runs of one step each, h_n/c_n fed back as h0/c0; returns the last step's output. */
export async function ortSteps(session: ort.InferenceSession, wl: Workload, xs: ort.Tensor[]): Promise<Float32Array> {
  let state = zeroState(wl, session);
  let last: Float32Array = new Float32Array(0);
  for (const x of xs) {
    const out = await session.run({ input: x, ...state });
    last = f32(out['output'], 'output');
    state = { h0: out['h_n']! };
    if (out['c_n']) state['c0'] = out['c_n'];
  }
  return last;
}

async function measure(wl: Workload, threads: number, config: PeerConfig): Promise<Measurement> {
  const base = { peer: 'onnxruntime-node', variant: '', threads, workload: wl.id };
  if (wl.kind === 'train') return { ...base, status: 'n/a', note: 'inference only (onnxruntime-node has no training API)' };
  const session = await ortSession(wl, threads);
  try {
    if (wl.kind === 'forward') {
      const feeds: Feeds = { input: new ort.Tensor('float32', makeInput(wl), [wl.seq, wl.batch, wl.inputSize]), ...zeroState(wl, session) };
      const samples = await timeCalls(() => session.run(feeds), { budgetMs: config.budgetMs });
      return okMeasurement(base, samples, { digest: digest(await ortForward(session, wl)) });
    }
    const all = makeInput(wl);
    const n = wl.batch * wl.inputSize;
    const xs = Array.from({ length: wl.seq }, (_, t) => new ort.Tensor('float32', all.slice(t * n, (t + 1) * n), [1, wl.batch, wl.inputSize]));
    const samples = await timeCalls(() => ortSteps(session, wl, xs), { budgetMs: config.budgetMs });
    return okMeasurement(base, samples, {
      digest: digest(await ortSteps(session, wl, xs)),
      note: `${wl.seq} session.run calls on a 1-step input, h_n/c_n fed back as h0/c0`,
    });
  } finally {
    await session.release();
  }
}

export const runPeer: PeerRunner = async (_variant, config, report) => {
  const workloads = selectWorkloads(config);
  report.plan(ORT_THREADS.map((t) => ({ peer: 'onnxruntime-node', variant: '', threads: t, workloads: workloads.map((w) => w.id) })));
  for (const wl of workloads) {
    for (const t of ORT_THREADS) {
      await guarded({ peer: 'onnxruntime-node', variant: '', threads: t, workload: wl.id }, report, () => measure(wl, t, config));
    }
  }
};
