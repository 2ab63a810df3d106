import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { FormatError, IoError } from '../errors.js';
import { listWavFolder, readWavEntries, readWavFolder, type WavEntry } from '../io/wav-folder.js';
import type { AudioTask, AudioSpec } from '../tasks/audio.js';
import { buildAudioTask } from '../tasks/audio-build.js';
import type { SavedData, TaskSpec } from '../tasks/build.js';

/**
 * The audio task's data is a folder of WAV files, not one data file: what a session, resume
 * and `recur eval` do for it. Its size (checked on resume, like a data file's) is the sum of
 * the listed files' sizes.
 */

/** The recordings of an audio spec's folder, listed with its naming patterns. */
export function listAudioData(dir: string, audio: AudioSpec): WavEntry[] {
  return listWavFolder(dir, { labelPattern: audio.labelPattern, groupPattern: audio.groupPattern, testPattern: audio.testPattern });
}

/** Total bytes of the listed recordings. */
export function audioDataBytes(entries: readonly WavEntry[]): number {
  return entries.reduce((n, e) => n + statSync(e.path).size, 0);
}

/**
 * Reads an audio spec's folder and builds its task (encoded as `saved` says when resuming).
 * `expectedBytes` (resume): the folder must hold what the checkpoint was trained on.
 */
export function openAudioTask(spec: TaskSpec, dir: string, saved?: SavedData, expectedBytes?: number): { task: AudioTask; dataPath: string; dataBytes: number } {
  if (!spec.audio) throw new FormatError(`${dir}: the spec has no audio settings`);
  const entries = listAudioData(dir, spec.audio);
  const dataBytes = audioDataBytes(entries);
  if (expectedBytes !== undefined && dataBytes !== expectedBytes) {
    throw new FormatError(`${dir}: its WAV files hold ${dataBytes} bytes but the checkpoint was trained on ${expectedBytes}; resume needs the same recordings`);
  }
  const task = buildAudioTask(spec, readWavEntries(entries), saved);
  return { task, dataPath: resolve(dir), dataBytes };
}

/** Every recording of a folder, labelled as the spec says (for `recur eval --data DIR`; no split). */
export function readAudioForEval(dir: string, audio: AudioSpec): ReturnType<typeof readWavFolder> {
  try {
    return readWavFolder(dir, { labelPattern: audio.labelPattern, minLabels: 1 });
  } catch (e) {
    if (e instanceof IoError) throw new IoError(`${e.message}; pass --data <folder> with recordings named as in training`);
    throw e;
  }
}
