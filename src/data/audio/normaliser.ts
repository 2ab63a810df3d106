import { FormatError, ShapeError } from '../../errors.js';
import type { Frames } from './stft.js';

/**
 * Per-band feature standardisation: (x - mean[b]) / std[b], with mean and std fitted over every
 * frame of the TRAINING recordings only (fitting on validation or test data would leak their
 * statistics into the model). Saved in checkpoints as JSON.
 */

/** The JSON form kept in a checkpoint. */
export interface FeatureNormaliserJson {
  kind: 'feature-normaliser';
  version: 1;
  mean: number[];
  std: number[];
  /** Frames the statistics were fitted on. */
  frames: number;
}

/** A band whose std is below this is constant (e.g. empty mel bands above an 8 kHz file's 4 kHz): it is centred, not scaled. */
export const MIN_STD = 1e-5;

export class FeatureNormaliser {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly frames: number;

  private constructor(mean: Float64Array, std: Float64Array, frames: number) {
    this.mean = mean;
    this.std = std;
    this.frames = frames;
  }

  /** Values per frame the normaliser expects. */
  get width(): number {
    return this.mean.length;
  }

  /**
   * Fits per-band mean and (population) std over all frames of the given training features.
   *
   * @param train feature matrices `[frames, width]`, all of one width
   * @example
   * const norm = FeatureNormaliser.fit(trainFeatures);
   * const x = norm.apply(testFeatures[0]);
   */
  static fit(train: readonly Frames[]): FeatureNormaliser {
    if (train.length === 0) throw new ShapeError('FeatureNormaliser.fit: no training features given');
    const width = train[0]!.width;
    const sum = new Float64Array(width);
    let frames = 0;
    for (const [i, f] of train.entries()) {
      if (f.width !== width) throw new ShapeError(`FeatureNormaliser.fit: recording ${i} has ${f.width} values per frame, the first has ${width}`);
      for (let t = 0; t < f.frames; t++) for (let b = 0; b < width; b++) sum[b] = sum[b]! + f.data[t * width + b]!;
      frames += f.frames;
    }
    if (frames === 0) throw new ShapeError('FeatureNormaliser.fit: the training features hold no frames');
    const mean = sum.map((s) => s / frames);
    // Two passes: sums of squared deviations stay accurate when the mean is large (log-mel ~ -14).
    const sq = new Float64Array(width);
    for (const f of train) {
      for (let t = 0; t < f.frames; t++) {
        for (let b = 0; b < width; b++) {
          const d = f.data[t * width + b]! - mean[b]!;
          sq[b] = sq[b]! + d * d;
        }
      }
    }
    const std = sq.map((s) => Math.sqrt(s / frames));
    return new FeatureNormaliser(mean, std, frames);
  }

  /** Standardised copy `[frames, width]` of a feature matrix. */
  apply(features: Frames): Frames {
    const w = this.width;
    if (features.width !== w) throw new ShapeError(`FeatureNormaliser.apply: features have ${features.width} values per frame, the normaliser was fitted on ${w}`);
    const out = new Float32Array(features.frames * w);
    for (let t = 0; t < features.frames; t++) {
      for (let b = 0; b < w; b++) {
        const s = this.std[b]!;
        out[t * w + b] = (features.data[t * w + b]! - this.mean[b]!) / (s < MIN_STD ? 1 : s);
      }
    }
    return { frames: features.frames, width: w, data: out };
  }

  toJSON(): FeatureNormaliserJson {
    return { kind: 'feature-normaliser', version: 1, mean: [...this.mean], std: [...this.std], frames: this.frames };
  }

  /** Restores a normaliser saved by toJSON; a wrong kind, version or a non-finite value is a FormatError. */
  static fromJSON(json: unknown, source = 'feature normaliser'): FeatureNormaliser {
    const o = json as Partial<FeatureNormaliserJson> | null;
    if (typeof o !== 'object' || o === null || o.kind !== 'feature-normaliser') throw new FormatError(`${source}: expected an object with kind 'feature-normaliser'`);
    if (o.version !== 1) throw new FormatError(`${source}: unsupported version ${String(o.version)} (this recur reads version 1)`);
    const list = (name: 'mean' | 'std', v: unknown): Float64Array => {
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new FormatError(`${source}: '${name}' must be a non-empty array of finite numbers`);
      }
      return Float64Array.from(v as number[]);
    };
    const mean = list('mean', o.mean);
    const std = list('std', o.std);
    if (mean.length !== std.length) throw new FormatError(`${source}: 'mean' has ${mean.length} values but 'std' has ${std.length}`);
    if (std.some((s) => s < 0)) throw new FormatError(`${source}: 'std' holds a negative value`);
    const frames = o.frames;
    if (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 1) throw new FormatError(`${source}: 'frames' must be a positive integer`);
    return new FeatureNormaliser(mean, std, frames);
  }
}
