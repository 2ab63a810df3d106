import { IoError } from '../errors.js';
import { buildTask } from '../tasks/build.js';
import type { EvalReport } from '../training/task.js';
import type { CheckpointConfig } from './format.js';
import { loadModel, readData } from './session.js';
import { openAudioTask, readAudioForEval } from './audio-data.js';
import { scoreRecordings } from '../tasks/audio-predict.js';

/**
 * A checkpoint's metrics on the held-out test part of its data file, or of `dataPath` (split
 * as in training: its test part is scored), encoded with what training saved (vocabulary,
 * scalers, labels), beside the task's baselines.
 *
 * @example
 * const { metrics } = await evaluateCheckpoint('runs/airline'); // { rmse: 25.0, naive_rmse: 48.0, ... }
 */
export async function evaluateCheckpoint(dir: string, dataPath?: string): Promise<{ config: CheckpointConfig; metrics: EvalReport }> {
  // The model first: loadModel checks config.json against the weights before building anything.
  const { config, loaded } = await loadModel(dir);
  if (loaded.kind === 'audio') {
    // Audio: --data names a folder whose every recording is scored (e.g. a new speaker's);
    // without it, the test part of the training folder.
    if (dataPath !== undefined) return { config, metrics: scoreRecordings(loaded.model, loaded.audio, loaded.encoding, readAudioForEval(dataPath, loaded.audio)) };
    const { task } = openAudioTask(config.spec, config.data.path, config.saved);
    task.model.loadStateDict(loaded.model.stateDict());
    return { config, metrics: task.evaluate() };
  }
  const path = dataPath ?? config.data.path;
  let bytes: Uint8Array;
  try {
    bytes = readData(path);
  } catch (e) {
    throw new IoError(`${(e as Error).message}; cannot read the data file${dataPath ? '' : ' the checkpoint was trained on; pass --data <file>'}`);
  }
  const task = buildTask(config.spec, bytes, path, config.saved);
  task.model.loadStateDict(loaded.model.stateDict());
  return { config, metrics: task.evaluate() };
}
