import { runTarget, type FuzzStats, type FuzzTarget } from './harness.js';
import { layersTarget } from './targets-api.js';
import { cliTarget } from './targets-cli.js';
import { csvTarget, labelledTarget, textTarget } from './targets-data.js';
import { checkpointTarget, configTarget, onnxTarget, safetensorsTarget } from './targets-io.js';
import { logsTarget, sessionsTarget } from './targets-logs.js';
import { logDetectTarget } from './targets-log-detect.js';
import { wavTarget } from './targets-audio.js';
import { panelTarget } from './targets-panel.js';

export interface NamedTarget {
  name: string;
  run(count: number, seed: number, onCase?: (i: number) => void): Promise<FuzzStats>;
}

function entry<I>(t: FuzzTarget<I>): NamedTarget {
  return { name: t.name, run: (count, seed, onCase) => runTarget(t, count, seed, onCase) };
}

/** Every fuzz target, in the order the table lists them. */
export const TARGETS: readonly NamedTarget[] = [
  entry(safetensorsTarget), entry(configTarget), entry(checkpointTarget), entry(onnxTarget), entry(csvTarget), entry(panelTarget),
  entry(textTarget), entry(labelledTarget), entry(wavTarget), entry(logsTarget), entry(sessionsTarget), entry(logDetectTarget), entry(cliTarget), entry(layersTarget),
];
