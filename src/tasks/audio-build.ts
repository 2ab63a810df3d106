import { OptionError } from '../errors.js';
import { AudioTask, type AudioClip, type AudioEncoding, type AudioSpec } from './audio.js';
import type { SavedData, TaskSpec } from './build.js';
import { specProblem } from './spec-check.js';

/**
 * Defaults of `recur train --task audio`, measured on the Free Spoken Digit Dataset with one
 * speaker held out (README, "Audio"): 40 log-mel bands at 8 kHz (the corpus' rate: 16 kHz
 * adds only empty bands), every recording at one RMS level and without its DC offset.
 */
export const DEFAULT_AUDIO_SPEC: AudioSpec = {
  features: 'logmel',
  nMels: 40,
  nMfcc: 13,
  targetRate: 8000,
  rmsLevel: 0.05,
  logOffset: 0.01,
  subtractRecordingMean: true,
  removeDc: true,
  // Speed perturbation 0.9/1.0/1.1: on the five held-out FSDD speakers, one 5-minute run each, it
  // beat no augmentation on every voice (mean 0.749 against 0.712; README, "Audio classification").
  augment: { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0, speed: 0.1 },
  // Five FSDD speakers with one held out: validation on files of the other four, so all four
  // are trained on (whole-group validation left three: george 0.810 -> 0.85, README).
  valBy: 'auto',
};

/** Builds the audio task a spec describes on recordings read from its folder (src/io/wav-folder.ts). */
export function buildAudioTask(spec: TaskSpec, clips: readonly AudioClip[], saved: SavedData = {}): AudioTask {
  const problem = specProblem(spec, 'flags');
  if (problem) throw new OptionError(problem);
  if (spec.kind !== 'audio' || !spec.audio) throw new OptionError(`buildAudioTask: expected an audio spec, got task '${spec.kind}'`);
  return new AudioTask(
    clips,
    { model: spec.model, audio: spec.audio, batchSize: spec.batchSize, testFraction: spec.testFraction, valFraction: spec.valFraction, seed: spec.seed },
    saved.encoding as AudioEncoding | undefined,
  );
}
