// The page's dedicated worker: the same LSTM pass at threads 1 and threads 2 (where the
// backend may start nested workers), compared array by array.
import { initWasmBackend } from 'recur';
import { compare, compareForward, compareGrads, isSplit, lstmArgs, runPass, unitArgs } from './pass.js';
import type { HarnessSettings, ThreadRun, WorkerReport } from './protocol.js';
import type { Backend } from 'recur';

type ForwardArgs = Parameters<Backend['sequenceForward']>[0];

const scope = globalThis as unknown as { postMessage(m: unknown): void; onmessage: ((e: MessageEvent<HarnessSettings>) => void) | null; crossOriginIsolated?: boolean };

async function run(settings: HarnessSettings): Promise<WorkerReport> {
  const wasm = await initWasmBackend(settings.wasmPaths ? { wasmPaths: settings.wasmPaths } : {});
  if (!wasm) throw new Error('no WASM SIMD backend in this worker');
  const defaultThreads = wasm.threads;
  const args = lstmArgs();
  // Inference passes of the same size (split by batch rows too), the second on another input.
  const infer = { ...args, saveForBackward: false, trace: false };
  const inferOther = { ...infer, x: args.x.map((v) => v * 0.5) };
  wasm.setThreads(1);
  const one = runPass(wasm, args);
  // Both directions at once (a bidirectional layer): each direction whole on its own thread.
  const both = (x: ForwardArgs): ForwardArgs[] => [x, { ...x, reverse: true }];
  const inferOne = [wasm.sequenceForward(infer), wasm.sequenceForward(inferOther), ...both(infer).map((a) => wasm.sequenceForward(a)), ...both(inferOther).map((a) => wasm.sequenceForward(a))];
  const batch1 = unitArgs();
  const timed = (): { y: Float32Array; ms: number } => {
    const t0 = performance.now();
    const { y } = wasm.sequenceForward(batch1);
    return { y, ms: performance.now() - t0 };
  };
  const unitsOne = timed();
  for (let i = 0; i < 30; i++) unitsOne.ms = Math.min(unitsOne.ms, timed().ms);
  wasm.setThreads(2);
  const started = await wasm.startThreads();
  // First, so that a split by hidden units that failed (the workers would be given up)
  // shows in the runs below as well.
  const unitsTwo = timed();
  const units = compare(unitsTwo.y, unitsOne.y);
  for (let i = 0; i < 30; i++) unitsTwo.ms = Math.min(unitsTwo.ms, timed().ms);
  const runs: ThreadRun[] = [];
  for (let i = 0; i < 2; i++) {
    const two = runPass(wasm, args);
    runs.push({
      started,
      liveWorkers: wasm.liveWorkers,
      split: isSplit(two.forward.saved),
      forward: compareForward(two.forward, one.forward),
      grads: compareGrads(two.grads, one.grads),
      ms: two.ms,
    });
  }
  // The worker's part of an inference pass comes back borrowed (views of the reply area): the
  // first result must not change when the second pass writes that area again.
  const inferTwo = [wasm.sequenceForward(infer), wasm.sequenceForward(inferOther), ...wasm.sequenceForwardMany!(both(infer)), ...wasm.sequenceForwardMany!(both(inferOther))];
  // Both directions written into one joined output (a bidirectional layer at inference):
  // the worker's rows are placed from its borrowed reply, and its hN, cN copied out.
  const { T, B, P } = infer.dims;
  const joined = (x: ForwardArgs): { data: Float32Array; results: ReturnType<Backend['sequenceForward']>[] } => {
    const data = new Float32Array(T * B * 2 * P);
    const results = wasm.sequenceForwardMany!(both(x).map((a, d) => ({ ...a, into: { data, stride: 2 * P, offset: d * P } })));
    return { data, results };
  };
  const column = (data: Float32Array, d: number): Float32Array => Float32Array.from({ length: T * B * P }, (_, i) => data[Math.floor(i / P) * 2 * P + d * P + (i % P)]!);
  const joinedRuns = [joined(infer), joined(inferOther)];
  const inferJoined = joinedRuns.flatMap(({ data, results }) => results.map((r, d) => ({ ...r, y: column(data, d) })));
  const inference = [...inferTwo, ...inferJoined].map((r, i) => compareForward(r, [...inferOne, ...inferOne.slice(2)][i]!));
  wasm.setThreads(1);
  return {
    inference,
    isolated: scope.crossOriginIsolated === true,
    sharedMemory: typeof SharedArrayBuffer === 'function',
    defaultThreads,
    hardwareConcurrency: navigator.hardwareConcurrency,
    msOneThread: one.ms,
    units,
    msUnits: [unitsOne.ms, unitsTwo.ms],
    runs,
  };
}

// The page sends its settings first (where the kernel files are).
scope.onmessage = (e) => {
  scope.onmessage = null;
  run(e.data).then(
    (worker) => scope.postMessage({ ok: true, worker }),
    (e: unknown) => scope.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
};
