import { OptionError } from '../errors.js';
import { parseCsv } from '../data/csv.js';
import { longPanel, widePanel, type Panel } from '../data/panel.js';
import { detectSeason } from '../data/series.js';
import { decodeText } from '../data/text.js';
import type { RecurrentConfig } from '../models/config.js';
import { defaultGlobalOptions } from './global-defaults.js';
import { GlobalForecastTask, type GlobalForecastOptions } from './global-forecast.js';
import type { IntervalCalibration } from './global-calibration.js';

/** The fields of a task spec that describe a global (many-series) forecaster. */
export interface GlobalSpecFields {
  model: RecurrentConfig;
  batchSize: number;
  seed: number;
  /** Long format: the column naming each row's series. */
  seriesId?: string;
  /** Wide format: one column per series. */
  columns?: string[];
  /** Long format: the value column (default: the last that is not id, time or category). */
  column?: string;
  /** Long format: a static category column (one-hot input). */
  category?: string;
  missing?: 'error' | 'interpolate';
  quantiles?: number[];
  /** Position in the season as an input (default: when the season is > 1). */
  calendar?: boolean;
  window?: number;
  horizon?: number;
  /** 0 or absent: detected (the most common period over the series' training parts). */
  season?: number;
}

/** What a global forecaster's checkpoint keeps beside the weights (`GlobalForecastTask.describe`). */
export interface GlobalSaved {
  layout: { window: number; horizon: number; season: number; calendar: boolean; categories: string[] };
  quantiles: number[];
  /** The intervals' conformal calibration (null: none, no interval around the median). */
  calibration: IntervalCalibration | null;
  /** Checkpoints of recur before the conformal calibration: one factor on the quantiles' distances from the median. */
  intervalScale?: number;
  deseasonalise: boolean;
}

/** Whether a spec asks for the global forecaster (--series-id or --columns). */
export function isGlobalSpec(spec: { seriesId?: string; columns?: string[] }): boolean {
  return spec.seriesId !== undefined || (spec.columns !== undefined && spec.columns.length > 0);
}

/**
 * The panel a spec reads from CSV text: long format with `seriesId`, or wide with `columns`.
 *
 * @example
 * readPanel('series,t,value\na,1,5\n', 'f.csv', { seriesId: 'series' }); // one series 'a'
 */
export function readPanel(text: string, source: string, spec: Pick<GlobalSpecFields, 'seriesId' | 'columns' | 'column' | 'category' | 'missing'>): Panel {
  const table = parseCsv(text, source);
  if (spec.seriesId !== undefined) {
    if (spec.columns?.length) throw new OptionError('give either --series-id (long format) or --columns (wide format), not both');
    return longPanel(table, { id: spec.seriesId, value: spec.column, category: spec.category, missing: spec.missing }, source);
  }
  if (spec.category !== undefined) throw new OptionError('--category needs the long format (--series-id); a wide file has no category column per series');
  return widePanel(table, spec.columns ?? [], source, spec.missing);
}

/** The most common seasonal period detected on the series' parts before validation and test (1 when none). */
export function panelSeason(panel: Panel, horizon: number): number {
  const counts = new Map<number, number>();
  for (const y of panel.values) {
    const fit = y.subarray(0, Math.max(0, y.length - 2 * horizon));
    if (fit.length < 8) continue;
    const m = detectSeason(fit, 60);
    counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  let best = 1;
  let most = 0;
  for (const [m, c] of counts) if (c > most || (c === most && m < best)) [best, most] = [m, c];
  return best;
}

/** The options a spec and its data resolve to (defaults by horizon and season), and the season used. */
export function globalOptions(spec: GlobalSpecFields, panel: Panel): GlobalForecastOptions {
  const horizon = spec.horizon ?? 1;
  const season = spec.season || panelSeason(panel, horizon);
  const d = defaultGlobalOptions(horizon, season);
  const window = spec.window ?? d.window;
  return {
    ...d,
    model: spec.model,
    window,
    quantiles: spec.quantiles ?? d.quantiles,
    calendar: spec.calendar ?? d.calendar,
    minInput: Math.min(window, d.minInput),
    batchSize: spec.batchSize,
    seed: spec.seed,
  };
}

/**
 * The global forecasting task of a spec on the bytes of its data file; `saved` (from a
 * checkpoint) fixes the season and categories as in training. (The task calibrates its
 * intervals afresh; `recur eval` gives it the checkpoint's with `useCalibration`.)
 */
export function buildGlobalTask(spec: GlobalSpecFields, bytes: Uint8Array, source: string, saved?: Partial<GlobalSaved>): GlobalForecastTask {
  const panel = readPanel(decodeText(bytes, source), source, spec);
  const layout = saved?.layout;
  const options = globalOptions(layout ? { ...spec, season: layout.season, calendar: layout.calendar, window: layout.window } : spec, panel);
  if (saved?.deseasonalise === false) options.deseasonalise = false;
  return new GlobalForecastTask(panel, options, layout?.categories);
}
