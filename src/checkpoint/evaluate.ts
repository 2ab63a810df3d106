import { FormatError, IoError } from '../errors.js';
import { buildTask } from '../tasks/build.js';
import { GlobalForecastTask } from '../tasks/global-forecast.js';
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
    // The training folder must be as it was: a changed one would move the seeded split.
    const { task } = openAudioTask(config.spec, config.data.path, config.saved, config.data.bytes);
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
  // Without --data the test part is the training file's: if the file changed, the split would
  // move and training examples could be scored as test ones.
  if (dataPath === undefined && bytes.length !== config.data.bytes) {
    throw new FormatError(
      `${path}: has ${bytes.length} bytes but the checkpoint was trained on ${config.data.bytes}; it changed since training, so its test part would not be the one held out (pass --data <file> to score another file)`,
    );
  }
  const task = buildTask(config.spec, bytes, path, config.saved);
  task.model.loadStateDict(loaded.model.stateDict());
  // The intervals as the checkpoint calibrated them (an older one: its width factor, or none).
  if (task instanceof GlobalForecastTask && loaded.kind === 'globalForecast') task.useCalibration(loaded.predictor.calibration, loaded.predictor.intervalScale);
  return { config, metrics: task.evaluate() };
}
