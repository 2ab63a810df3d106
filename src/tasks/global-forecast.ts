import { FormatError } from '../errors.js';
import type { Panel } from '../data/panel.js';
import { encodePanelTargets, encodePanelWindow, panelFeatureCount, panelWindows, type WindowLayout, type WindowRef } from '../data/panel-windows.js';
import { Forecaster } from '../models/forecaster.js';
import type { RecurrentConfig } from '../models/config.js';
import { pinballLoss, checkQuantiles } from '../nn/quantile-loss.js';
import { EpochOrder } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { BatchLoss, EvalReport, Task, TaskState, Validation } from '../training/task.js';
import { baselineScores, COMPARED_METHODS, scorePanel, type ScoredSeries } from './global-scores.js';
import { encodeStep, seriesView, type SeriesView } from './global-series.js';
import { forecastPanel, forecastViews, medianIndex, rawForecasts, type GlobalPredictor, type SeriesForecast } from './global-predict.js';
import { calibrateIntervals, type IntervalCalibration } from './global-calibration.js';

export interface GlobalForecastOptions {
  model: RecurrentConfig;
  /** Past steps each window reads. */
  window: number;
  /** Steps forecast at once (and held out at the end of each series for test, and before that for validation). */
  horizon: number;
  /** Seasonal period m (1: none): deseasonalising, calendar inputs, MASE and the baselines. */
  season: number;
  /** Quantile levels the head predicts, increasing; the one nearest 0.5 is the point forecast. */
  quantiles: number[];
  /** Position in the season as an input. */
  calendar: boolean;
  /** Divide each positive series by its M4 seasonal indices when the 90% test finds a season (default true). */
  deseasonalise?: boolean;
  /** Fewest real values a training window reads (shorter ones are padded with the first value). */
  minInput: number;
  batchSize: number;
  seed: number;
}

/**
 * One recurrent network trained on every series of a panel (a global model). Each series
 * holds out its last `horizon` values for test and the `horizon` before them for validation
 * (as the M competitions do: the validation part is the end of the in-sample part). Series are
 * log-transformed and deseasonalised one by one (tasks/global-series.ts), windows normalised
 * by their last value (data/panel-windows.ts), and the head predicts quantiles of every step
 * of the horizon at once (MIMO), trained with the pinball loss. The model is a Forecaster
 * with `horizon x quantiles` outputs, step-major.
 *
 * @example
 * const task = new GlobalForecastTask(panel, defaultGlobalOptions(18, 12)); // monthly, 18 steps
 * await new Trainer(task, adam(task.model.parameters(), { lr: 3e-3 }), { maxSteps: 2000, restoreBest: true }).run();
 * task.evaluate(); // { smape, mase, coverage, naive2_smape, damped_smape, theta_smape, ... }
 */
export class GlobalForecastTask implements Task {
  readonly kind = 'forecast' as const;
  readonly model: Forecaster;
  readonly layout: WindowLayout;
  /** Views fitted on the history before validation: training windows, validation forecasts and interval calibration. */
  private readonly valViews: SeriesView[];
  private readonly windows: WindowRef[];
  private readonly categoryIndex: number[];
  private epochOrder: EpochOrder<number> | null = null;
  private readonly median: number;
  /** A calibration given from outside (a checkpoint's); undefined: calibrate on validation. */
  private fixedCalibration: IntervalCalibration | null | undefined = undefined;
  private legacyScale: number | undefined = undefined;

  constructor(
    readonly panel: Panel,
    readonly options: GlobalForecastOptions,
    categories?: string[],
  ) {
    const h = options.horizon;
    checkQuantiles(options.quantiles, 'global forecast');
    const short = panel.values.findIndex((y) => y.length < 2 * h + 1);
    if (short >= 0) {
      throw new FormatError(
        `series '${panel.ids[short]}' has ${panel.values[short]!.length} values; each series needs more than 2 x horizon = ${2 * h} ` +
          '(the last horizon is the test part, the one before it validation); use a shorter --horizon or drop the series',
      );
    }
    const cats = categories ?? [...new Set(panel.categories)].sort();
    this.layout = { window: options.window, horizon: h, season: options.season, calendar: options.calendar, categories: cats };
    this.categoryIndex = panel.categories.map((c) => cats.indexOf(c));
    this.valViews = panel.values.map((y) => seriesView(y.subarray(0, y.length - 2 * h), options.season, h, options.deseasonalise ?? true));
    this.windows = panelWindows(this.valViews.map((v) => v.z.length), h, options.minInput);
    if (this.windows.length === 0) {
      throw new FormatError(`no training windows: every series is too short for horizon ${h} with ${options.minInput} input values; use a shorter --horizon`);
    }
    const Q = options.quantiles.length;
    this.median = medianIndex(options.quantiles);
    this.model = new Forecaster({ ...options.model, inputSize: panelFeatureCount(this.layout), horizon: h * Q }, options.seed);
  }

  /** Training windows (all series). */
  get windowCount(): number {
    return this.windows.length;
  }

  batchesPerEpoch(): number {
    return Math.ceil(this.windows.length / this.options.batchSize);
  }

  startEpoch(): void {}

  trainBatch(epoch: number, index: number): BatchLoss {
    this.epochOrder ??= new EpochOrder(this.windows.map((_, i) => i), this.options.seed);
    const B = this.options.batchSize;
    const picks = this.epochOrder.of(epoch).slice(index * B, (index + 1) * B);
    const { window: W, horizon: h } = this.layout;
    const F = panelFeatureCount(this.layout);
    const x = new Float32Array(picks.length * W * F);
    const targets = new Float32Array(picks.length * h);
    picks.forEach((w, b) => {
      const { series, t } = this.windows[w]!;
      const z = this.valViews[series]!.z;
      encodePanelWindow(z, t, this.categoryIndex[series]!, this.layout, x, b * W * F);
      encodePanelTargets(z, t, h, targets, b * h);
    });
    const pred = this.model.forward(new Tensor(x, [picks.length, W, F]));
    return { loss: pinballLoss(pred, targets, this.options.quantiles), timesteps: picks.length * W };
  }

  /** Whether the quantiles make an interval around the median (at least one on each side). */
  private hasInterval(): boolean {
    return this.median > 0 && this.median < this.options.quantiles.length - 1;
  }

  /**
   * The intervals' calibration on the validation part (split-conformal quantile regression,
   * `calibrateIntervals`): the quantile loss fitted on training windows gives intervals that
   * are too narrow for unseen futures. The validation values never enter a training window
   * (they choose the kept epoch, by the median's sMAPE, and nothing else), so they are held out
   * from the model whose intervals they calibrate. Fixed from outside (`useCalibration`, a
   * checkpoint's) when given; null without an interval around the median.
   */
  calibration(): IntervalCalibration | null {
    if (this.fixedCalibration !== undefined) return this.fixedCalibration;
    if (!this.hasInterval()) return null;
    const h = this.layout.horizon;
    const raws = rawForecasts(this.predictor(null), this.valViews, this.categoryIndex);
    const actuals = raws.map((_, i) => {
      const y = this.panel.values[i]!;
      const start = y.length - 2 * h;
      return Float64Array.from({ length: h }, (_, k) => encodeStep(this.valViews[i]!, k, y[start + k]!));
    });
    return calibrateIntervals(raws, actuals, this.options.quantiles, this.median, h);
  }

  /**
   * Uses this calibration (a checkpoint's, or null for the raw quantiles; `legacyScale` for an
   * older checkpoint's single width factor) instead of calibrating on the validation part.
   */
  useCalibration(calibration: IntervalCalibration | null, legacyScale?: number): void {
    this.fixedCalibration = calibration;
    this.legacyScale = legacyScale;
  }

  /** The model with its layout, quantiles and interval calibration, as `forecastPanel` takes it. */
  predictor(calibration: IntervalCalibration | null = this.calibration()): GlobalPredictor {
    return {
      model: this.model,
      layout: this.layout,
      quantiles: this.options.quantiles,
      calibration,
      ...(calibration === null && this.legacyScale !== undefined ? { intervalScale: this.legacyScale } : {}),
      deseasonalise: this.options.deseasonalise ?? true,
    };
  }

  /** Forecasts of each series' validation or test part, with the history before it and the actual values. */
  heldOut(part: 'validation' | 'test'): ScoredSeries[] {
    return part === 'validation' ? this.scored(this.layout.horizon, this.valViews, null) : this.scored(0, undefined, this.calibration());
  }

  /** Scored forecasts of the part [end - h, end) of every series, from the history before it. */
  private scored(endOffset: number, views: SeriesView[] | undefined, calibration: IntervalCalibration | null): ScoredSeries[] {
    const h = this.layout.horizon;
    const ends = this.panel.values.map((y) => y.length - endOffset);
    const vs = views ?? this.panel.values.map((y, i) => seriesView(y.subarray(0, ends[i]! - h), this.options.season, h, this.options.deseasonalise ?? true));
    const Q = this.options.quantiles.length;
    return forecastViews(this.predictor(calibration), vs, this.categoryIndex).map((f, i) => {
      const y = this.panel.values[i]!;
      const interval = this.hasInterval();
      return {
        insample: y.subarray(0, ends[i]! - h),
        actual: y.subarray(ends[i]! - h, ends[i]!),
        point: f.point,
        ...(interval ? { lower: f.quantiles.map((q) => q[0]!), upper: f.quantiles.map((q) => q[Q - 1]!) } : {}),
      };
    });
  }

  /** The mean sMAPE of the validation part (the `horizon` values before each series' test part). */
  validate(): Validation {
    // The raw quantiles: the validation part is what calibrates them.
    const s = scorePanel(this.scored(this.layout.horizon, this.valViews, null), this.options.season);
    const metrics: Record<string, number> = { val_smape: s.smape, val_mase: s.mase };
    if (!Number.isNaN(s.coverage)) metrics.val_coverage = s.coverage;
    return { name: 'val_smape', value: s.smape, mode: 'min', metrics };
  }

  /** sMAPE, MASE and interval coverage on each series' last `horizon` values, beside the classical methods. */
  evaluate(): EvalReport {
    const calibration = this.calibration();
    const items = this.scored(0, undefined, calibration);
    const s = scorePanel(items, this.options.season);
    const out: EvalReport = { smape: s.smape, mase: s.mase, series: s.series, horizon: this.layout.horizon, season: this.options.season };
    if (!Number.isNaN(s.coverage)) {
      const q = this.options.quantiles;
      out.coverage = s.coverage;
      out.interval = Math.round((q[q.length - 1]! - q[0]!) * 100);
      out.calibrated = calibration ? 1 : 0;
      if (!calibration && this.legacyScale !== undefined) out.interval_scale = this.legacyScale;
    }
    const base = baselineScores(items, this.options.season);
    for (const k of COMPARED_METHODS) Object.assign(out, { [`${k}_smape`]: base[k].smape, [`${k}_mase`]: base[k].mase });
    if (base.fallbacks > 0) out.baseline_fallbacks = base.fallbacks;
    return out;
  }

  /** Forecasts of the `horizon` steps after the end of every series in `panel` (default: the training panel). */
  forecastPanel(panel: Panel = this.panel): SeriesForecast[] {
    return forecastPanel(this.predictor(), panel);
  }

  describe(): Record<string, unknown> {
    return { layout: this.layout, quantiles: this.options.quantiles, calibration: this.calibration(), deseasonalise: this.options.deseasonalise ?? true };
  }

  getState(): TaskState {
    return { json: {}, tensors: {} };
  }

  setState(): void {}
}
