import { OptionError } from '../errors.js';
import { specAugment, type Frames } from '../data/audio/index.js';
import type { SequenceClassifier } from '../models/sequence-classifier.js';
import { Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * Batching for recordings of different lengths: buckets of similar length (less padding, so
 * less work for the recurrent layers), each clip read at its own length, and the seeded
 * training augmentations.
 */

/** Training augmentations, each off at 0 / false. */
export interface AudioAugment {
  /** SpecAugment masks (2 band masks up to 8 bands wide, 2 time masks up to 10 frames). */
  specAugment: boolean;
  /** Crop up to this many frames from each end of a clip (a time shift of the word in its window). */
  timeShift: number;
  /** Standard deviation of Gaussian noise added to the normalised features. */
  noise: number;
  /** Stretch each clip in time by a factor drawn in [1 - stretch, 1 + stretch] (speaking rate). */
  stretch: number;
  /**
   * Warp the frequency axis by a factor in [1 - warp, 1 + warp] (log-mel only): vocal tract
   * length perturbation (Jaitly & Hinton 2013), a cheap stand-in for voices not in the data.
   */
  warp: number;
  /**
   * VTLP: the mel filterbank warped by a factor drawn in [1 - vtlp, 1 + vtlp] per training clip,
   * computed from the clip's power spectrogram (log-mel only; Jaitly & Hinton 2013). Absent in
   * checkpoints from before it: 0.
   */
  vtlp?: number;
  /**
   * Noise floor: white noise added to each training clip's power spectrogram at a signal-to-noise
   * ratio drawn in [noiseFloor, noiseFloor + 30] dB (log-mel only; 0 or absent: off).
   */
  noiseFloor?: number;
  /**
   * Speed perturbation (Ko et al. 2015): each training clip heard at speed 1 - speed, 1 or
   * 1 + speed (one drawn per clip and batch), from features computed once for each speed
   * (speedPerturb: tempo, pitch and formants together). 0 or absent: off.
   */
  speed?: number;
}

/** The span of the noise floor's signal-to-noise ratio above its minimum (dB). */
export const NOISE_FLOOR_SPAN_DB = 30;

/** No augmentation. */
export const NO_AUGMENT: AudioAugment = { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0 };

/** A clip never shrinks below this many frames by cropping. */
const MIN_FRAMES = 8;

/** Batches per bucket: clips are sorted by length within runs of this many batches. */
const BUCKET_BATCHES = 8;

/**
 * The batches of one epoch, as lists of clip positions in `lengths`: shuffled by a generator
 * seeded from (seed, epoch), sorted by length within runs of BUCKET_BATCHES batches, cut into
 * batches, and the batches shuffled. Only the last batch may be short, so an epoch has
 * ceil(n / batchSize) batches.
 *
 * @example
 * bucketBatches([50, 12, 48, 13], 2, 0, 0); // e.g. [[1, 3], [2, 0]]: short with short, long with long
 */
export function bucketBatches(lengths: readonly number[], batchSize: number, seed: number, epoch: number): number[][] {
  const rng = new Rng(seed * 7919 + epoch);
  const order = rng.shuffled(lengths.map((_, i) => i));
  const batches: number[][] = [];
  const run = batchSize * BUCKET_BATCHES;
  for (let start = 0; start < order.length; start += run) {
    const bucket = order.slice(start, start + run).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
    for (let i = 0; i < bucket.length; i += batchSize) batches.push(bucket.slice(i, i + batchSize));
  }
  // A short batch only at the very end of the order: the last bucket's last batch.
  const last = batches.pop()!;
  return [...rng.shuffled(batches), last];
}

/** The generator of one training batch's augmentation: depends only on (seed, epoch, batch), so resume is exact. */
export function batchRng(seed: number, epoch: number, batch: number): Rng {
  return new Rng(((seed * 1_000_003) ^ (epoch * 65_537) ^ (batch * 257 + 0x5bd1e995)) >>> 0);
}

/** `x` resampled along time to `frames` frames by linear interpolation. */
function stretchFrames(x: Frames, frames: number): Frames {
  const { width } = x;
  const data = new Float32Array(frames * width);
  const scale = frames > 1 ? (x.frames - 1) / (frames - 1) : 0;
  for (let t = 0; t < frames; t++) {
    const p = t * scale;
    const i = Math.min(Math.floor(p), x.frames - 1);
    const j = Math.min(i + 1, x.frames - 1);
    const f = p - i;
    for (let b = 0; b < width; b++) data[t * width + b] = (1 - f) * x.data[i * width + b]! + f * x.data[j * width + b]!;
  }
  return { frames, width, data };
}

/** `x` with band b taking the value at band b / alpha (linear interpolation, clamped to the top band). */
function warpBands(x: Frames, alpha: number): Frames {
  const { frames, width } = x;
  const data = new Float32Array(frames * width);
  for (let b = 0; b < width; b++) {
    const p = Math.min(b / alpha, width - 1);
    const i = Math.floor(p);
    const j = Math.min(i + 1, width - 1);
    const f = p - i;
    for (let t = 0; t < frames; t++) data[t * width + b] = (1 - f) * x.data[t * width + i]! + f * x.data[t * width + j]!;
  }
  return { frames, width, data };
}

/** A fraction option in [0, 1), or an OptionError. */
function fraction(name: string, v: number): number {
  if (!(v >= 0 && v < 1)) throw new OptionError(`audio augmentation: ${name} must be in [0, 1), got ${v}`);
  return v;
}

/**
 * An augmented copy of a normalised clip `[frames, width]`: stretched in time, cropped at both
 * ends by up to `timeShift` frames, warped in frequency, SpecAugment-masked, plus Gaussian
 * noise, drawing in that order from `rng`.
 *
 * @example
 * const x = augmentClip(norm.apply(features), { specAugment: true, timeShift: 4, noise: 0 }, batchRng(0, 3, 7));
 */
export function augmentClip(clip: Frames, a: AudioAugment, rng: Rng): Frames {
  if (!(a.timeShift >= 0) || !Number.isInteger(a.timeShift)) throw new OptionError(`audio augmentation: timeShift must be a whole number of frames >= 0, got ${a.timeShift}`);
  if (!(a.noise >= 0) || !Number.isFinite(a.noise)) throw new OptionError(`audio augmentation: noise must be >= 0, got ${a.noise}`);
  let x = clip;
  if (fraction('stretch', a.stretch) > 0) {
    const rate = 1 + a.stretch * (2 * rng.random() - 1);
    x = stretchFrames(x, Math.max(1, Math.round(x.frames / rate)));
  }
  if (a.timeShift > 0) {
    const room = Math.max(0, x.frames - MIN_FRAMES);
    const head = Math.min(rng.int(a.timeShift + 1), room);
    const tail = Math.min(rng.int(a.timeShift + 1), room - head);
    x = { frames: x.frames - head - tail, width: x.width, data: x.data.subarray(head * x.width, (x.frames - tail) * x.width) };
  }
  if (fraction('warp', a.warp) > 0) x = warpBands(x, 1 + a.warp * (2 * rng.random() - 1));
  if (a.specAugment) x = specAugment(x, rng);
  if (a.noise > 0) {
    const data = x.data.slice();
    for (let i = 0; i < data.length; i++) data[i] = data[i]! + a.noise * rng.normal();
    x = { frames: x.frames, width: x.width, data };
  }
  return x;
}

/**
 * Runs the classifier on clips `[frames, width]` of any lengths: padded time-major into
 * [T, B, width], each read to its own end. Returns logits [B, classes] and the frames read.
 */
export function clipLogits(model: SequenceClassifier, clips: readonly Frames[]): { logits: Tensor; steps: number } {
  const B = clips.length;
  const F = clips[0]!.width;
  const lengths = clips.map((c) => Math.max(1, c.frames));
  const T = Math.max(...lengths);
  const x = new Float32Array(T * B * F);
  clips.forEach((c, b) => {
    for (let t = 0; t < c.frames; t++) x.set(c.data.subarray(t * F, (t + 1) * F), (t * B + b) * F);
  });
  return { logits: model.forward(new Tensor(x, [T, B, F]), T, B, lengths), steps: lengths.reduce((s, n) => s + n, 0) };
}
