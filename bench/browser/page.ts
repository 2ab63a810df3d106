// The browser bench page: one dedicated worker per system (recur, onnxruntime-web, tfjs at 1
// and 2 threads), then rounds in which every workload is timed on every system in turn (the
// order rotated each round), so all see the same quiet and busy spells. Leaves a PageOutcome
// on window.__bench for the runner (bench/browser/run.ts).
import { errorText } from '../harness.js';
import { QUICK_WORKLOADS, WORKLOADS, systemLabel, type Measurement, type PeerConfig } from '../workloads.js';
import { createHost } from './host.js';
import { PEER_LABELS, parseSettings, type BrowserSystem, type FromWorker, type PageOutcome, type ToWorker } from './protocol.js';

declare global {
  interface Window {
    __bench?: PageOutcome;
  }
}

/** Sends one message to a peer and resolves with its reply. */
type Send = (msg: ToWorker, timeoutMs: number) => Promise<FromWorker>;

interface Running {
  system: BrowserSystem;
  send: Send;
  close(): void;
  gotThreads: number;
  info: Record<string, string>;
  error?: string;
}

function inWorker(name: string): { send: Send; close(): void } {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
  return { send: (msg, timeoutMs) => call(worker, msg, timeoutMs), close: () => worker.terminate() };
}

function inPage(): { send: Send; close(): void } {
  const handle = createHost();
  return { send: (msg) => handle(msg), close: () => {} };
}

function call(worker: Worker, msg: ToWorker, timeoutMs: number): Promise<FromWorker> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ type: 'failed', error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    const onMessage = (e: MessageEvent<FromWorker>): void => finish(e.data);
    const onError = (e: ErrorEvent): void => finish({ type: 'failed', error: e.message || 'worker error' });
    function finish(m: FromWorker): void {
      clearTimeout(timer);
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      resolve(m);
    }
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.postMessage(msg);
  });
}

const status = (text: string): void => {
  document.getElementById('status')!.textContent = text;
  console.log(text);
};

async function main(): Promise<PageOutcome> {
  const settings = parseSettings(location.search);
  const outcome: PageOutcome = {
    done: true,
    crossOriginIsolated,
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    systems: [],
    rounds: [],
  };
  const running: Running[] = [];
  for (const system of settings.systems) {
    const host = system.where === 'page' ? inPage() : inWorker(`bench-${system.peer}-${system.threads}`);
    const r = await host.send({ type: 'init', peer: system.peer, threads: system.threads, origin: location.origin }, 120_000);
    const entry: Running = { system, ...host, gotThreads: r.type === 'ready' ? r.threads : 0, info: r.type === 'ready' ? r.info : {} };
    if (r.type !== 'ready') entry.error = r.type === 'failed' ? r.error : 'unexpected reply';
    running.push(entry);
    status(`${system.peer} ${system.threads}T: ${entry.error ? 'failed: ' + entry.error : `ready, ${entry.gotThreads} thread(s)`}`);
  }
  const label = (r: Running): string => systemLabel({ ...PEER_LABELS[r.system.peer], threads: r.system.threads });
  outcome.systems = running.map((r) => ({ ...r.system, label: label(r), gotThreads: r.gotThreads, info: r.info, ...(r.error ? { error: r.error } : {}) }));
  const all = settings.quick ? QUICK_WORKLOADS : WORKLOADS;
  const workloads = settings.workloads.map((id) => all.find((w) => w.id === id)!).filter(Boolean);
  const config: PeerConfig = { quick: settings.quick, workloads: workloads.map((w) => w.id), budgetMs: settings.budgetMs };
  for (let round = 0; round < settings.rounds; round++) {
    const found: Measurement[] = [];
    for (const wl of workloads) {
      // Rotate who goes first each round (a system right after a heavy one may meet a warm or a throttled core).
      const order = running.map((_, i) => running[(i + round) % running.length]!);
      for (const r of order) {
        const base = { ...PEER_LABELS[r.system.peer], threads: r.system.threads, workload: wl.id };
        if (r.error) {
          found.push({ ...base, status: 'error', note: `did not start: ${r.error}` });
          continue;
        }
        const reply = await r.send({ type: 'run', workload: wl, config }, 300_000);
        const m: Measurement = reply.type === 'result' ? reply.measurement : { ...base, status: 'error', note: reply.type === 'failed' ? reply.error : 'unexpected reply' };
        // The label carries the threads asked for; note where the peer ran on fewer.
        m.threads = r.system.threads;
        if (r.gotThreads !== r.system.threads && m.status === 'ok') m.note = `${m.note ? m.note + '; ' : ''}asked for ${r.system.threads} threads, ran on ${r.gotThreads}`;
        found.push(m);
        status(`round ${round + 1}/${settings.rounds} ${wl.id} ${label(r)}: ${m.status === 'ok' ? m.ms!.toFixed(2) + ' ms' : m.status + ' ' + (m.note ?? '')}`);
      }
    }
    outcome.rounds.push(found);
  }
  for (const r of running) r.close();
  return outcome;
}

main().then(
  (outcome) => {
    window.__bench = outcome;
    status('done');
  },
  (err: unknown) => {
    window.__bench = { done: true, crossOriginIsolated, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, systems: [], rounds: [], error: errorText(err) };
    status('failed: ' + errorText(err));
  },
);
