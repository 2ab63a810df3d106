import { withEval } from '../nn/with-eval.js';
import { FormatError } from '../errors.js';
import { fitAutoregression, predictAutoregression } from '../data/autoregression.js';
import { baselineRmse, detectSeason, splitByTime, type TimeSplit } from '../data/series.js';
import {
  applyTransform,
  decodePrediction,
  invertTransform,
  encodeTargets,
  encodeWindow,
  featureCount,
  fitEncoding,
  type SeriesEncoding,
} from '../data/windows.js';
import { Forecaster, type ForecasterConfig } from '../models/forecaster.js';
import { EpochOrder } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { mse } from '../nn/losses.js';
import { meanAbsoluteError, rootMeanSquaredError } from '../training/metrics.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../training/task.js';

export interface ForecastTaskOptions {
  model: Omit<ForecasterConfig, 'inputSize' | 'horizon'>;
  /** Past steps the model reads. */
  window: number;
  /** Future steps predicted at once. */
  horizon: number;
  batchSize: number;
  valFraction: number;
  testFraction: number;
  /** Seasonal period for the seasonal-naive baseline (and MASE); 0 = detect. */
  season: number;
  seed: number;
}

/** A series ready for a forecaster: target (transformed) and extra columns, with names. */
export interface PreparedSeries {
  /** Target in model space (log when encoding.transform is 'log'). */
  z: Float64Array;
  /** Target in its own units. */
  y: Float64Array;
  extras: Float64Array[];
  names: string[];
}

/** First predicted steps of the training windows; an error when the data is too short for them. */
function trainingStarts(split: TimeSplit, options: ForecastTaskOptions): number[] {
  const starts: number[] = [];
  for (let t = options.window + 1; t + options.horizon <= split.trainEnd; t++) starts.push(t);
  if (starts.length < 2 || split.valEnd - split.trainEnd < 1 || split.n - split.valEnd < 1) {
    throw new FormatError(
      `${split.n} rows are too few for window ${options.window} and horizon ${options.horizon} with the validation and test parts; ` +
        'use a shorter --window or --horizon, or more data',
    );
  }
  return starts;
}

/**
 * Time-series forecasting: windows of past steps -> the next `horizon` values. Split by
 * time into train / validation / test; scalers fitted on the training part only; one-step
 * forecasts on the test part compared with persistence and seasonal-naive baselines.
 */
export class ForecastTask implements Task {
  readonly kind = 'forecast' as const;
  readonly model: Forecaster;
  readonly split: TimeSplit;
  readonly season: number;
  private readonly trainStarts: number[];
  private epochOrder: EpochOrder<number> | null = null;

  constructor(
    readonly series: PreparedSeries,
    readonly encoding: SeriesEncoding,
    readonly options: ForecastTaskOptions,
  ) {
    this.split = splitByTime(series.z.length, options.valFraction, options.testFraction);
    this.trainStarts = trainingStarts(this.split, options);
    this.season = options.season > 0 ? options.season : detectSeason(series.y.subarray(0, this.split.trainEnd), 60);
    const config: ForecasterConfig = { ...options.model, inputSize: featureCount(encoding), horizon: options.horizon };
    this.model = new Forecaster(config, options.seed);
  }

  /** Prepares and encodes a series (fitting the scalers on the training part). */
  static fit(series: Omit<PreparedSeries, 'z'>, transform: 'none' | 'log', options: ForecastTaskOptions): ForecastTask {
    const z = applyTransform(series.y, transform);
    const split = splitByTime(z.length, options.valFraction, options.testFraction);
    trainingStarts(split, options); // refuse too little data before fitting anything
    const enc = fitEncoding(z, series.extras, split.trainEnd, transform, series.names);
    return new ForecastTask({ ...series, z }, enc, options);
  }

  batchesPerEpoch(): number {
    return Math.ceil(this.trainStarts.length / this.options.batchSize);
  }

  startEpoch(): void {}

  /** Window starts of one epoch, shuffled by a generator seeded from the epoch (so resume needs no RNG state). */
  private order(epoch: number): number[] {
    this.epochOrder ??= new EpochOrder(this.trainStarts, this.options.seed);
    return this.epochOrder.of(epoch);
  }

  trainBatch(epoch: number, index: number): BatchLoss {
    const starts = this.order(epoch).slice(index * this.options.batchSize, (index + 1) * this.options.batchSize);
    const { x, targets } = this.batch(starts);
    return { loss: mse(this.model.forward(x), targets), timesteps: starts.length * this.options.window };
  }

  private batch(starts: readonly number[]): { x: Tensor; targets: Float32Array } {
    const { window: W, horizon: h } = this.options;
    const F = featureCount(this.encoding);
    const x = new Float32Array(starts.length * W * F);
    const targets = new Float32Array(starts.length * h);
    starts.forEach((t, b) => {
      encodeWindow(this.series.z, this.series.extras, this.encoding, t, W, x, b * W * F);
      if (t + h <= this.series.z.length) encodeTargets(this.series.z, this.encoding, t, h, targets, b * h);
    });
    return { x: new Tensor(x, [starts.length, W, F]), targets };
  }

  /** Predictions (series units) of steps t .. t+horizon-1 for each window start t. */
  predictFrom(starts: readonly number[]): Float64Array[] {
    const pred = withEval(this.model, () => this.model.forward(this.batch(starts).x));
    const h = this.options.horizon;
    return starts.map((t, b) =>
      Float64Array.from({ length: h }, (_, k) => decodePrediction(pred.data[b * h + k]!, this.series.z[t - 1]!, this.encoding)),
    );
  }

  /** One-step and full-horizon errors of forecasts for steps [from, to). */
  errors(from: number, to: number): { rmse: number; mae: number; horizonRmse: number } {
    const starts: number[] = [];
    for (let t = Math.max(from, this.options.window + 1); t < to; t++) starts.push(t);
    const preds = this.predictFrom(starts);
    // A diverged model predicts NaN: reported as such, for the Trainer to stop on.
    if (preds.some((p) => p.some((v) => !Number.isFinite(v)))) return { rmse: NaN, mae: NaN, horizonRmse: NaN };
    const y = this.series.y;
    const oneStep = preds.map((p) => p[0]!);
    const actual = starts.map((t) => y[t]!);
    // Every predicted step inside [from, to), for the full-horizon error.
    const ahead = starts.flatMap((t, i) => Array.from(preds[i]!.subarray(0, to - t)));
    const aheadActual = starts.flatMap((t, i) => Array.from(y.subarray(t, t + preds[i]!.length).subarray(0, to - t)));
    return { rmse: rootMeanSquaredError(actual, oneStep), mae: meanAbsoluteError(actual, oneStep), horizonRmse: rootMeanSquaredError(aheadActual, ahead) };
  }

  validate(): Validation {
    const { rmse } = this.errors(this.split.trainEnd, this.split.valEnd);
    return { name: 'val_rmse', value: rmse, mode: 'min', metrics: { val_rmse: rmse } };
  }

  evaluate(): EvalReport {
    const { valEnd, n, trainEnd } = this.split;
    const e = this.errors(valEnd, n);
    const base = baselineRmse(this.series.y, valEnd, n, this.season);
    // MASE: test MAE over the in-sample MAE of one-step persistence on the training part
    // (Infinity for a constant training part, where meanAbsoluteScaledError would throw).
    const scale = meanAbsoluteError(this.series.y.subarray(1, trainEnd), this.series.y.subarray(0, trainEnd - 1));
    const out: Record<string, number> = {
      rmse: e.rmse,
      mse: e.rmse * e.rmse,
      mae: e.mae,
      mase: e.mae / scale,
      naive_rmse: base.naive,
      seasonal_naive_rmse: base.seasonalNaive,
      season: this.season,
      test_points: n - valEnd,
    };
    const ar = this.autoregressionRmse();
    if (ar) Object.assign(out, { ar_rmse: ar.rmse, ar_order: ar.order });
    if (this.options.horizon > 1) out[`rmse_h${this.options.horizon}`] = e.horizonRmse;
    return out;
  }

  /**
   * The linear AR baseline's one-step RMSE on the test part: fitted on everything before it
   * (in model space, so on logs where the model uses them), order by AIC up to the window.
   */
  private autoregressionRmse(): { rmse: number; order: number } | null {
    const { valEnd, n } = this.split;
    const ar = fitAutoregression(this.series.z, valEnd, this.options.window);
    if (!ar) return null;
    let se = 0;
    const first = Math.max(valEnd, ar.order);
    for (let t = first; t < n; t++) se += (invertTransform(predictAutoregression(ar, this.series.z, t), this.encoding.transform) - this.series.y[t]!) ** 2;
    return { rmse: Math.sqrt(se / (n - first)), order: ar.order };
  }

  /** Forecast of the `horizon` steps after the end of the series. */
  forecastNext(): Float64Array {
    return this.predictFrom([this.series.z.length])[0]!;
  }

  describe(): Record<string, unknown> {
    return { encoding: this.encoding, names: this.series.names, season: this.season };
  }

  getState(): TaskState {
    return { json: {}, tensors: {} };
  }

  setState(): void {}
}
