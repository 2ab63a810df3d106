// onnxruntime-web in the browser bench: its WASM (SIMD, threaded) backend on recur's own ONNX
// export of the same layer. Loaded at run time from /ort/ (the npm package's own dist files,
// not bundled), so it finds its .mjs/.wasm beside it; numThreads is read once, at start.
import type * as Ort from 'onnxruntime-web';
import { exportOnnx } from '../../src/onnx.js';
import { okMeasurement, timeCalls } from '../harness.js';
import { buildLayer } from '../models.js';
import { digest, makeInput, type Measurement, type PeerConfig, type Workload } from '../workloads.js';

let ort: typeof Ort;
type Feeds = Record<string, Ort.Tensor>;

export async function start(threads: number, origin: string): Promise<{ threads: number; info: Record<string, string> }> {
  const url = `${origin}/ort/ort.wasm.min.mjs`;
  ort = (await import(/* @vite-ignore */ url)) as typeof Ort;
  ort.env.wasm.wasmPaths = `${origin}/ort/`;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  // A first session starts the runtime (and its threads), outside any timing.
  const probe = await session({ ...tinyLstm });
  await probe.release();
  const got = ort.env.wasm.numThreads ?? threads;
  return { threads: typeof got === 'number' ? got : threads, info: { 'onnxruntime-web version': ort.env.versions.web ?? ort.env.versions.common ?? '?' } };
}

const tinyLstm = { id: 'W1', title: '', cell: 'lstm', kind: 'forward', inputSize: 4, hiddenSize: 4, batch: 1, seq: 2, numLayers: 1, bidirectional: false, headOut: 0 } as const satisfies Workload;

function session(wl: Workload): Promise<Ort.InferenceSession> {
  return ort.InferenceSession.create(exportOnnx(buildLayer(wl)), { executionProviders: ['wasm'], graphOptimizationLevel: 'all', executionMode: 'sequential' });
}

function zeroState(wl: Workload, s: Ort.InferenceSession): Feeds {
  const n = wl.numLayers * (wl.bidirectional ? 2 : 1);
  const dims = [n, wl.batch, wl.hiddenSize];
  const zeros = (): Ort.Tensor => new ort.Tensor('float32', new Float32Array(n * wl.batch * wl.hiddenSize), dims);
  return s.inputNames.includes('c0') ? { h0: zeros(), c0: zeros() } : { h0: zeros() };
}

function f32(t: Ort.Tensor | undefined): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new Error('onnxruntime-web: float32 output expected');
  return t.data;
}

export async function measure(threads: number, wl: Workload, config: PeerConfig): Promise<Measurement> {
  const base = { peer: 'onnxruntime-web', variant: 'wasm', threads, workload: wl.id };
  if (wl.kind !== 'forward' && wl.kind !== 'steps') return { ...base, status: 'n/a', note: 'inference only (onnxruntime-web has no training API here)' };
  const s = await session(wl);
  try {
    if (wl.kind === 'forward') {
      const feeds: Feeds = { input: new ort.Tensor('float32', makeInput(wl), [wl.seq, wl.batch, wl.inputSize]), ...zeroState(wl, s) };
      const samples = await timeCalls(() => s.run(feeds), { budgetMs: config.budgetMs });
      return okMeasurement(base, samples, { digest: digest(f32((await s.run(feeds))['output'])) });
    }
    const all = makeInput(wl);
    const n = wl.batch * wl.inputSize;
    const xs = Array.from({ length: wl.seq }, (_, t) => new ort.Tensor('float32', all.slice(t * n, (t + 1) * n), [1, wl.batch, wl.inputSize]));
    const steps = async (): Promise<Float32Array> => {
      let state = zeroState(wl, s);
      let last: Float32Array = new Float32Array(0);
      for (const x of xs) {
        const out = await s.run({ input: x, ...state });
        last = f32(out['output']);
        state = out['c_n'] ? { h0: out['h_n']!, c0: out['c_n'] } : { h0: out['h_n']! };
      }
      return last;
    };
    const samples = await timeCalls(steps, { budgetMs: config.budgetMs });
    return okMeasurement(base, samples, { digest: digest(await steps()), note: `${wl.seq} session.run calls on a 1-step input, h_n/c_n fed back as h0/c0` });
  } finally {
    await s.release();
  }
}
