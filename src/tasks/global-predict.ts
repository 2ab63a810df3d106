import { encodePanelWindow, panelFeatureCount, type WindowLayout } from '../data/panel-windows.js';
import type { Panel } from '../data/panel.js';
import type { Forecaster } from '../models/forecaster.js';
import { withEval } from '../nn/with-eval.js';
import { Tensor } from '../tensor/tensor.js';
import { decodeStep, seriesView, type SeriesView } from './global-series.js';
import { calibrateStep, type IntervalCalibration } from './global-calibration.js';

/** A forecast of one series: `quantiles[k][j]` is quantile j of step k, in the series' units; `point` the median's. */
export interface SeriesForecast {
  point: Float64Array;
  quantiles: Float64Array[];
}

/** A trained global forecaster with what it needs to read new series (a checkpoint's `saved`). */
export interface GlobalPredictor {
  model: Forecaster;
  layout: WindowLayout;
  quantiles: readonly number[];
  /** The intervals' conformal calibration (null: the raw quantiles, or an older checkpoint's `intervalScale`). */
  calibration: IntervalCalibration | null;
  /** An older checkpoint's single factor on every quantile's distance from the median (used only without `calibration`). */
  intervalScale?: number;
  /** Whether series are deseasonalised before the network (default true). */
  deseasonalise?: boolean;
}

/** The index of the quantile nearest 0.5: the point forecast. */
export function medianIndex(quantiles: readonly number[]): number {
  return quantiles.reduce((best, q, j) => (Math.abs(q - 0.5) < Math.abs(quantiles[best]! - 0.5) ? j : best), 0);
}

/**
 * Model-space quantiles of the `horizon` steps after the end of each view: per view, h x Q
 * values (step-major), each step's quantiles sorted so they never cross (a monotone
 * rearrangement, Chernozhukov et al. 2010), the window's level added back.
 */
export function rawForecasts(p: Omit<GlobalPredictor, 'calibration' | 'intervalScale'>, views: readonly SeriesView[], categoryIndex: readonly number[]): Float64Array[] {
  const { window: W, horizon: h } = p.layout;
  const F = panelFeatureCount(p.layout);
  const Q = p.quantiles.length;
  const out: Float64Array[] = [];
  const chunk = 256;
  for (let from = 0; from < views.length; from += chunk) {
    const part = views.slice(from, from + chunk);
    const x = new Float32Array(part.length * W * F);
    part.forEach((v, b) => encodePanelWindow(v.z, v.z.length, categoryIndex[from + b]!, p.layout, x, b * W * F));
    const pred = withEval(p.model, () => p.model.forward(new Tensor(x, [part.length, W, F])));
    part.forEach((v, b) => {
      const level = v.z[v.z.length - 1]!;
      const raw = new Float64Array(h * Q);
      for (let k = 0; k < h; k++) {
        const step = Array.from({ length: Q }, (_, j) => level + pred.data[(b * h + k) * Q + j]!).sort((a, c) => a - c);
        raw.set(step, k * Q);
      }
      out.push(raw);
    });
  }
  return out;
}

/** Forecasts of `horizon` steps after the end of each view, in the series' units, intervals calibrated by `p.calibration`. */
export function forecastViews(p: GlobalPredictor, views: readonly SeriesView[], categoryIndex: readonly number[]): SeriesForecast[] {
  const h = p.layout.horizon;
  const Q = p.quantiles.length;
  const median = medianIndex(p.quantiles);
  return rawForecasts(p, views, categoryIndex).map((raw, i) => {
    const v = views[i]!;
    const quantiles = Array.from({ length: h }, (_, k) => {
      const step = calibrateStep(Array.from(raw.subarray(k * Q, (k + 1) * Q)), k, median, p.calibration, p.intervalScale);
      return Float64Array.from(step, (z) => decodeStep(v, k, z));
    });
    return { point: Float64Array.from(quantiles, (qs) => qs[median]!), quantiles };
  });
}

/**
 * Forecasts of the `horizon` steps after the end of every series of a panel, each continuing
 * from its own last value (deseasonalised and normalised as in training). A category unseen
 * in training gets no category input (all zeros).
 *
 * @example
 * const f = forecastPanel(predictor, panel); // f[i].point: h values; f[i].quantiles[k]: Q values
 */
export function forecastPanel(p: GlobalPredictor, panel: Panel): SeriesForecast[] {
  const views = panel.values.map((y) => seriesView(y, p.layout.season, p.layout.horizon, p.deseasonalise ?? true));
  return forecastViews(p, views, panel.categories.map((c) => p.layout.categories.indexOf(c)));
}
