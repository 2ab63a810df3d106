// One peer of the browser bench in its own dedicated worker (so recur may block on its pool,
// and each peer's WASM runtime, threads and global state stay its own).
import type { ToWorker } from './protocol.js';
import { createHost } from './host.js';

const handle = createHost();
addEventListener('message', (e: MessageEvent<ToWorker>) => {
  void handle(e.data).then((reply) => postMessage(reply));
});
