// Loads a `recur train --task audio` checkpoint (config.json + model.safetensors) for the
// audio view: the classifier, its feature front end (spec.audio) and the training normaliser.
import { FeatureNormaliser, modelFromSpec, parseCheckpointConfig, readSafetensors } from 'recur';
import type { AudioEncoding, AudioSpec, CheckpointConfig, SequenceClassifier } from 'recur';
import { fetchCheckpoint, readCheckpointFiles } from './checkpoint-files.js';

export interface AudioModel {
  config: CheckpointConfig;
  model: SequenceClassifier;
  audio: AudioSpec;
  encoding: AudioEncoding;
  normaliser: FeatureNormaliser;
  /** Where it came from, for the page and for error messages. */
  source: string;
}

const CELL_NAMES = { lstm: 'LSTM', gru: 'GRU', rnn: 'plain RNN' } as const;

/**
 * Builds an audio model from a checkpoint's parsed config.json and model.safetensors bytes.
 * A checkpoint of another task is an Error saying which task it holds.
 *
 * @example
 * const m = audioModelFromBytes(JSON.parse(configText), weights, 'runs/digits/');
 * m.encoding.labels; // ['0', '1', ..., '9']
 */
export function audioModelFromBytes(configJson: unknown, weights: Uint8Array, source: string): AudioModel {
  const config = parseCheckpointConfig(configJson, `${source}config.json`);
  const loaded = modelFromSpec(config.spec, config.saved, `${source}config.json`);
  if (loaded.kind !== 'audio') throw new Error(`${source} holds a ${loaded.kind} model; the audio view reads checkpoints of recur train --task audio`);
  loaded.model.loadStateDict(readSafetensors(weights, `${source}model.safetensors`));
  loaded.model.eval();
  const normaliser = FeatureNormaliser.fromJSON(loaded.encoding.normaliser, `${source}config.json: saved.encoding.normaliser`);
  return { config, model: loaded.model, audio: loaded.audio, encoding: loaded.encoding, normaliser, source };
}

/** Fetches a checkpoint served under a base URL (the bundled one). */
export async function fetchAudioModel(base: string): Promise<AudioModel> {
  const { config, weights, source } = await fetchCheckpoint(base);
  return audioModelFromBytes(config, weights, source);
}

/** Whether dropped files hold a checkpoint (either of its two files). */
export function hasCheckpointFiles(files: readonly File[]): boolean {
  return files.some((f) => f.name === 'config.json' || f.name.endsWith('.safetensors'));
}

/** Reads config.json and model.safetensors from dropped or chosen files (as panel 4 does). */
export async function audioModelFromFiles(files: readonly File[]): Promise<AudioModel> {
  const { config, weights, source } = await readCheckpointFiles(files, 'recur train --task audio');
  return audioModelFromBytes(config, weights, source);
}

/** One line about a model: its shape, labels, features and origin. */
export function describeAudioModel(m: AudioModel): string {
  const s = m.config.spec.model;
  const a = m.audio;
  const features = a.features === 'mfcc' ? `${a.nMfcc} MFCCs` : `${a.nMels} log-mel bands`;
  return `${s.numLayers}×${s.hiddenSize} ${s.bidirectional ? 'bidirectional ' : ''}${CELL_NAMES[s.cell]} · ${m.encoding.labels.length} labels (${m.encoding.labels.join(' ')}) · ${features} at ${a.targetRate} Hz · from ${m.source === 'dropped:' ? 'dropped files' : m.source}`;
}
