// Entry of one peer process: node --import tsx bench/child.ts <peer> <variant> '<PeerConfig JSON>'
// Prints a plan, then one line per measurement (see harness.ts), and exits.
import { stdoutReporter, type PeerRunner } from './harness.js';
import type { PeerConfig } from './workloads.js';

const loaders: Record<string, () => Promise<{ runPeer: PeerRunner }>> = {
  recur: () => import('./recur.js'),
  tfjs: () => import('./peers/tfjs.js'),
  onnxruntime: () => import('./peers/onnxruntime.js'),
  brainjs: () => import('./peers/brainjs.js'),
  pytorch: () => import('./peers/pytorch.js'),
};

const [peer = '', variant = '', json = '{}'] = process.argv.slice(2);
const load = loaders[peer];
if (!load) {
  console.error(`child: unknown peer '${peer}'; known: ${Object.keys(loaders).join(', ')}`);
  process.exit(2);
}
const config = JSON.parse(json) as PeerConfig;
const { runPeer } = await load();
await runPeer(variant, config, stdoutReporter());
// Some peers (onnxruntime, tfjs-wasm) keep handles open: leave explicitly once done.
process.exit(0);
