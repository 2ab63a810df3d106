import { FormatError } from '../errors.js';
import { panelFeatureCount } from '../data/panel-windows.js';
import { Forecaster } from '../models/forecaster.js';
import type { TaskSpec } from '../tasks/build.js';
import { medianIndex, type GlobalPredictor } from '../tasks/global-predict.js';
import { intervalPairs, type IntervalCalibration } from '../tasks/global-calibration.js';

/** A global forecaster rebuilt from a checkpoint (weights still to be loaded). */
export interface LoadedGlobalForecaster {
  kind: 'globalForecast';
  model: Forecaster;
  predictor: GlobalPredictor;
}

/**
 * The model of a global forecaster's checkpoint: `saved.layout` (window, horizon, season,
 * calendar, categories), `saved.quantiles`, `saved.calibration` and `saved.deseasonalise`,
 * each checked before anything is built. A checkpoint of an older recur has no calibration:
 * its `saved.intervalScale` (one width factor) is kept, and without either the quantiles are
 * used as the network gives them.
 */
export function globalModelFromSpec(spec: TaskSpec, saved: Record<string, unknown>, source: string): LoadedGlobalForecaster {
  const fail = (what: string): never => {
    throw new FormatError(`${source}: ${what}`);
  };
  const layout = saved.layout as GlobalPredictor['layout'] | undefined;
  const whole = (v: unknown, max = 1 << 16) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
  if (typeof layout !== 'object' || layout === null) return fail("saved.layout is missing (a global forecaster's window, horizon, season and categories)");
  if (!whole(layout.window) || !whole(layout.horizon) || !whole(layout.season)) return fail('saved.layout.window, horizon and season must be positive integers');
  if (typeof layout.calendar !== 'boolean' || !Array.isArray(layout.categories) || layout.categories.some((c) => typeof c !== 'string') || layout.categories.length > 1 << 16) {
    return fail('saved.layout.calendar must be true or false and saved.layout.categories a list of names');
  }
  const q = saved.quantiles as number[] | undefined;
  if (!Array.isArray(q) || q.length === 0 || q.length > 1000 || q.some((v, i) => !(typeof v === 'number' && v > 0 && v < 1) || (i > 0 && !(v > q[i - 1]!)))) {
    return fail('saved.quantiles must be increasing levels between 0 and 1');
  }
  const calibration = checkedCalibration(saved.calibration, layout.horizon, intervalPairs(q, medianIndex(q)).length, fail);
  const scale = saved.intervalScale;
  if (scale !== undefined && !(typeof scale === 'number' && Number.isFinite(scale) && scale > 0)) return fail('saved.intervalScale must be a positive number');
  const model = new Forecaster({ ...spec.model, inputSize: panelFeatureCount(layout), horizon: layout.horizon * q.length }, spec.seed);
  const legacy = calibration === null && scale !== undefined ? { intervalScale: scale } : {};
  return { kind: 'globalForecast', model, predictor: { model, layout, quantiles: q, calibration, ...legacy, deseasonalise: saved.deseasonalise !== false } };
}

/** `saved.calibration` checked: absent or null (none), or offsets of `horizon` steps x `pairs` finite numbers. */
function checkedCalibration(c: unknown, horizon: number, pairs: number, fail: (what: string) => never): IntervalCalibration | null {
  if (c === undefined || c === null) return null;
  const o = c as Partial<IntervalCalibration>;
  const shape = `${horizon} steps x ${pairs} quantile pair${pairs === 1 ? '' : 's'}`;
  if (o.method !== 'conformal') return fail(`saved.calibration.method must be "conformal", got ${JSON.stringify(o.method)}`);
  if (!(typeof o.confidence === 'number' && o.confidence > 0 && o.confidence < 1)) return fail('saved.calibration.confidence must be a number between 0 and 1');
  if (!(Number.isInteger(o.values) && o.values! >= 0) || typeof o.pooled !== 'boolean') return fail('saved.calibration.values must be a whole number and saved.calibration.pooled true or false');
  const offsets = o.offsets;
  if (!Array.isArray(offsets) || offsets.length !== horizon || offsets.some((row) => !Array.isArray(row) || row.length !== pairs || row.some((v) => !(typeof v === 'number' && Number.isFinite(v))))) {
    return fail(`saved.calibration.offsets must be ${shape} finite numbers`);
  }
  return { method: 'conformal', confidence: o.confidence, values: o.values!, pooled: o.pooled, offsets: offsets.map((row) => [...row]) };
}
