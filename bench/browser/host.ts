// Runs one peer of the browser bench: in a dedicated worker (worker.ts) or, for peers whose
// threads start only on a page's main thread, in the page itself. Loads the peer module on
// 'init', then answers each 'run' with one measurement.
import { errorText } from '../harness.js';
import type { Measurement, PeerConfig, Workload } from '../workloads.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** What each peer module (peer-recur.ts, peer-ort.ts, peer-tfjs.ts) exports. */
export interface BrowserPeerModule {
  start(threads: number, origin: string): Promise<{ threads: number; info: Record<string, string> }>;
  measure(threads: number, wl: Workload, config: PeerConfig): Promise<Measurement>;
}

const loaders: Record<string, () => Promise<BrowserPeerModule>> = {
  recur: () => import('./peer-recur.js'),
  ort: () => import('./peer-ort.js'),
  tfjs: () => import('./peer-tfjs.js'),
};

export function createHost(): (msg: ToWorker) => Promise<FromWorker> {
  let peer: BrowserPeerModule | null = null;
  let threads = 1;
  return async (msg) => {
    try {
      if (msg.type === 'init') {
        peer = await loaders[msg.peer]!();
        const started = await peer.start(msg.threads, msg.origin);
        threads = started.threads;
        return { type: 'ready', threads, info: started.info };
      }
      if (!peer) throw new Error('run before init');
      return { type: 'result', measurement: await peer.measure(threads, msg.workload, msg.config) };
    } catch (err) {
      return { type: 'failed', error: errorText(err).slice(0, 500) };
    }
  };
}
