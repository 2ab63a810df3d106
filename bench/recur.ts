// recur itself, on one kernel backend per process ('wasm' or 'js', the TypeScript reference).
import { adam, getBackend, Linear, listBackends, mse, noGrad, setBackend, Tensor } from '../src/index.js';
import { guarded, okMeasurement, timeCalls, type PeerRunner, type TimingOptions } from './harness.js';
import { buildLayer, inputTensor } from './models.js';
import { digest, flops, GRAD_WORKLOADS, makeInput, makeTarget, selectWorkloads, type Measurement, type PeerConfig, type Workload } from './workloads.js';

interface ThreadedBackend {
  setThreads?: (n: number) => void;
}

/** Whether the active backend exposes a thread count (the WASM backend may, later). */
function threadSetter(): ((n: number) => void) | null {
  const b = getBackend() as unknown as ThreadedBackend;
  return typeof b.setThreads === 'function' ? (n: number) => b.setThreads!(n) : null;
}

function timing(variant: string, wl: Workload, config: PeerConfig, prime: () => unknown): TimingOptions {
  // The JS reference takes 5-15 s per call on the big workloads: one timed call after a
  // small-shape warm-up keeps the whole bench short (it is a reference, not a target).
  if (variant === 'js' && !config.quick && flops(wl) > 1e9) return { warmup: 0, prime, minReps: 1, maxReps: 1, budgetMs: 0 };
  return { warmup: 1, minReps: 5, budgetMs: config.budgetMs };
}

/**
 * One measurement of recur on the active backend. `grad: false` runs the gradient workloads
 * (W7, W8) under noGrad, as a reference (variant gets a ' noGrad' suffix). Used in Node and in
 * the browser bench's worker.
 */
export async function measure(variant: string, threads: number, wl: Workload, config: PeerConfig, grad = true): Promise<Measurement> {
  const gradKind = wl.kind === 'backward' || wl.kind === 'steps-grad';
  const base = { peer: 'recur', variant: gradKind && !grad ? `${variant} noGrad` : variant, threads, workload: wl.id };
  grad = grad && gradKind;
  const layer = buildLayer(wl);
  if (wl.kind === 'forward') {
    const x = inputTensor(wl);
    const small = new Tensor(makeInput(wl).slice(0, 2 * wl.batch * wl.inputSize), [2, wl.batch, wl.inputSize]);
    const run = (): Tensor => noGrad(() => layer.forward(x).output);
    const samples = await timeCalls(run, timing(variant, wl, config, () => noGrad(() => layer.forward(small))));
    return okMeasurement(base, samples, { digest: digest(run().data) });
  }
  if (wl.kind === 'steps' || wl.kind === 'steps-grad') {
    // steps-grad: the same loop with gradients enabled (the default), as a training-time
    // streaming caller runs it; the graph is dropped, not back-propagated.
    const all = makeInput(wl);
    const n = wl.batch * wl.inputSize;
    const xs = Array.from({ length: wl.seq }, (_, t) => new Tensor(all.slice(t * n, (t + 1) * n), [wl.batch, wl.inputSize]));
    const loop = (): Tensor => {
      let state = layer.zeroState(wl.batch);
      let out: Tensor | null = null;
      for (const xt of xs) ({ output: out, state } = layer.step(xt, state));
      return out!;
    };
    const run = (): Tensor => (grad ? loop() : noGrad(loop));
    const samples = await timeCalls(run, timing(variant, wl, config, () => run()));
    return okMeasurement(base, samples, {
      digest: digest(run().data),
      note: `${wl.seq} calls of layer.step(x [${wl.batch}, ${wl.inputSize}], state)${grad ? ' with gradients enabled (the default)' : ' under noGrad'}`,
    });
  }
  if (wl.kind === 'backward') {
    // One small differentiable call: forward, MSE, backward (gradients zeroed first; no optimiser).
    const x = inputTensor(wl);
    const target = makeTarget(wl);
    if (!grad) {
      const samples = await timeCalls(() => noGrad(() => layer.forward(x).output), timing(variant, wl, config, () => 0));
      return okMeasurement(base, samples, { note: 'reference: layer.forward(x [1, 1, 64]) under noGrad (forward only, no backward)' });
    }
    const call = (): void => {
      layer.zeroGrad();
      mse(layer.forward(x).output, target).backward();
    };
    const samples = await timeCalls(call, timing(variant, wl, config, () => 0));
    return okMeasurement(base, samples, { note: 'layer.zeroGrad(); mse(layer.forward(x [1, 1, 64]).output, target).backward()' });
  }
  // Training step: forward, head at every step, MSE, backward, Adam.
  const head = new Linear({ inFeatures: wl.hiddenSize, outFeatures: wl.headOut, seed: 7 });
  const opt = adam([...layer.parameters(), ...head.parameters()], { lr: 1e-3 });
  const x = inputTensor(wl);
  const target = makeTarget(wl);
  let loss = 0;
  const step = (xt: Tensor, tg: Float32Array): void => {
    opt.zeroGrad();
    const { output } = layer.forward(xt);
    const l = mse(head.forward(output), tg);
    l.backward();
    opt.step();
    loss = l.data[0]!;
  };
  const small = new Tensor(x.data.slice(0, 2 * wl.batch * wl.inputSize), [2, wl.batch, wl.inputSize]);
  const samples = await timeCalls(
    () => step(x, target),
    timing(variant, wl, config, () => step(small, target.slice(0, 2 * wl.batch * wl.headOut))),
  );
  return okMeasurement(base, samples, { note: `forward + backward + Adam (lr 1e-3) on ${layer.parameters().length + 2} tensors; last loss ${loss.toPrecision(4)}` });
}

export const runPeer: PeerRunner = async (variant, config, report) => {
  const workloads = selectWorkloads(config);
  const ids = workloads.map((w) => w.id);
  report.info('recur.backends', listBackends().join(', '));
  try {
    setBackend(variant);
  } catch (e) {
    report.plan([{ peer: 'recur', variant, threads: 1, workloads: ids }]);
    for (const wl of workloads) {
      report.result({ peer: 'recur', variant, threads: 1, workload: wl.id, status: 'n/a', note: `backend '${variant}' not available: ${String(e).slice(0, 200)}` });
    }
    return;
  }
  const setThreads = threadSetter();
  const threads = setThreads ? [1, 2] : [1];
  report.info(`recur.${variant}.threads`, setThreads ? 'setThreads available: 1 and 2 measured' : 'no thread setting: 1 thread only');
  const gradIds = workloads.filter((w) => GRAD_WORKLOADS.includes(w.id)).map((w) => w.id);
  report.plan(
    threads.flatMap((t) => [
      { peer: 'recur', variant, threads: t, workloads: ids },
      ...(gradIds.length ? [{ peer: 'recur', variant: `${variant} noGrad`, threads: t, workloads: gradIds }] : []),
    ]),
  );
  for (const t of threads) {
    setThreads?.(t);
    for (const wl of workloads) {
      await guarded({ peer: 'recur', variant, threads: t, workload: wl.id }, report, () => measure(variant, t, wl, config));
      if (gradIds.includes(wl.id)) {
        await guarded({ peer: 'recur', variant: `${variant} noGrad`, threads: t, workload: wl.id }, report, () => measure(variant, t, wl, config, false));
      }
    }
  }
};
