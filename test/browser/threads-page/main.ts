// The threads test page: runs the harness in a dedicated worker, and on this main thread
// (which may not block) checks that setThreads(2) quietly stays on one thread.
import { initWasmBackend } from 'recur';
import { compare, isSplit, lstmArgs, runPass } from './pass.js';
import type { HarnessMessage, HarnessSettings, MainReport, PageResult } from './protocol.js';

const page = window as unknown as { recurResult?: PageResult };
// ?wasmPaths=/cdn/: the kernel files are fetched from there (as from a CDN) on both threads.
const query = new URLSearchParams(location.search).get('wasmPaths');
const settings: HarnessSettings = query ? { wasmPaths: new URL(query, location.href).href } : {};

async function onMainThread(): Promise<MainReport> {
  const wasm = await initWasmBackend(settings);
  if (!wasm) throw new Error('no WASM SIMD backend on the main thread');
  const args = lstmArgs();
  wasm.setThreads(1);
  const one = runPass(wasm, args);
  wasm.setThreads(2);
  const started = await wasm.startThreads();
  const two = runPass(wasm, args);
  const identical = compare(two.forward.y, one.forward.y).identical && compare(two.grads.dWHh, one.grads.dWHh).identical;
  const report = { threads: wasm.threads, started, liveWorkers: wasm.liveWorkers, split: isSplit(two.forward.saved), identical };
  wasm.setThreads(1);
  return report;
}

function fromWorker(): Promise<HarnessMessage> {
  return new Promise((resolve) => {
    const w = new Worker(new URL('./harness.ts', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent<HarnessMessage>) => resolve(e.data);
    w.onerror = (e) => resolve({ ok: false, error: `harness worker: ${e.message}` });
    w.postMessage(settings);
  });
}

async function main(): Promise<PageResult> {
  const worker = await fromWorker();
  if (!worker.ok) return worker;
  return { ok: true, worker: worker.worker, main: await onMainThread() };
}

void main()
  .catch((e: unknown): PageResult => ({ ok: false, error: e instanceof Error ? e.message : String(e) }))
  .then((r) => {
    page.recurResult = r;
    document.body.dataset.ready = 'true';
  });
