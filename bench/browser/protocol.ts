// Messages between the bench page (page.ts) and its peer workers (worker.ts), and the
// settings the page reads from its URL. No Node or DOM APIs: shared by both sides and Node.
import type { Measurement, PeerConfig, Workload, WorkloadId } from '../workloads.js';

/** The three systems timed in the page: recur, onnxruntime-web (WASM), TensorFlow.js (wasm backend). */
export type BrowserPeer = 'recur' | 'ort' | 'tfjs';

export const PEER_LABELS: Record<BrowserPeer, { peer: string; variant: string }> = {
  recur: { peer: 'recur', variant: 'wasm' },
  ort: { peer: 'onnxruntime-web', variant: 'wasm' },
  tfjs: { peer: 'tfjs', variant: 'wasm' },
};

export interface BrowserSystem {
  peer: BrowserPeer;
  /** Threads asked for; the worker reports what it got. */
  threads: number;
  /** Where it runs: its own dedicated worker (default) or the page's main thread. */
  where?: 'worker' | 'page';
}

export type ToWorker =
  | { type: 'init'; peer: BrowserPeer; threads: number; origin: string }
  | { type: 'run'; workload: Workload; config: PeerConfig };

export type FromWorker =
  | { type: 'ready'; threads: number; info: Record<string, string> }
  | { type: 'result'; measurement: Measurement }
  | { type: 'failed'; error: string };

/** What the page leaves on `window.__bench` once it has finished (or failed). */
export interface PageOutcome {
  done: true;
  crossOriginIsolated: boolean;
  userAgent: string;
  hardwareConcurrency: number;
  /** Per system: the threads it asked for, what it reported, and its versions/settings. */
  systems: Array<BrowserSystem & { label: string; gotThreads: number; info: Record<string, string>; error?: string }>;
  /** One list of measurements per round. */
  rounds: Measurement[][];
  error?: string;
}

/** The browser bench's workloads: every inference workload plus the training step (no W7/W8). */
export const BROWSER_WORKLOADS: readonly WorkloadId[] = ['W1', 'W1s', 'W2', 'W4', 'W5', 'W6', 'W3'];

/**
 * recur and onnxruntime-web at 1 and 2 threads; tfjs at 1: its threaded wasm build reports one
 * thread when asked for 2 in Chromium 156, in a worker and on the page's main thread alike
 * (`--systems tfjs:2` or `tfjs:2:page` tries again).
 */
export const DEFAULT_SYSTEMS = 'recur:1,recur:2,ort:1,ort:2,tfjs:1';

export interface PageSettings {
  quick: boolean;
  rounds: number;
  budgetMs: number;
  workloads: WorkloadId[];
  systems: BrowserSystem[];
}

/** The page's settings from its query string (the runner builds it with `settingsQuery`). */
export function parseSettings(search: string): PageSettings {
  const q = new URLSearchParams(search);
  const systems = (q.get('systems') ?? DEFAULT_SYSTEMS).split(',').map((s) => {
    const [peer, t, where] = s.split(':');
    if (peer !== 'recur' && peer !== 'ort' && peer !== 'tfjs') throw new Error(`unknown browser peer '${peer}'`);
    const system: BrowserSystem = { peer, threads: Math.max(1, Number.parseInt(t ?? '1', 10) || 1) };
    if (where === 'page') system.where = 'page';
    return system;
  });
  return {
    quick: q.get('quick') === '1',
    rounds: Math.max(1, Number.parseInt(q.get('rounds') ?? '3', 10) || 1),
    budgetMs: Math.max(0, Number.parseInt(q.get('budget') ?? '1500', 10) || 0),
    workloads: (q.get('workloads')?.split(',') as WorkloadId[] | undefined) ?? [...BROWSER_WORKLOADS],
    systems,
  };
}

export function settingsQuery(s: PageSettings): string {
  const q = new URLSearchParams({
    quick: s.quick ? '1' : '0',
    rounds: String(s.rounds),
    budget: String(s.budgetMs),
    workloads: s.workloads.join(','),
    systems: s.systems.map((x) => `${x.peer}:${x.threads}${x.where === 'page' ? ':page' : ''}`).join(','),
  });
  return '?' + q.toString();
}
