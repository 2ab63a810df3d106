import type { EvalReport } from '../training/task.js';

const METHODS: ReadonlyArray<[string, string]> = [
  ['', 'recur'],
  ['seasonalNaive_', 'seasonal-naive'],
  ['naive2_', 'Naive2 (naive on the deseasonalised series)'],
  ['damped_', 'damped-trend exponential smoothing'],
  ['theta_', 'Theta method (M4 benchmark)'],
];

/** Whether a forecast report comes from the global forecaster (sMAPE over series rather than one-step RMSE). */
export function isGlobalReport(m: EvalReport): boolean {
  return typeof m.smape === 'number';
}

/**
 * The rows `recur eval` prints for a global forecaster: sMAPE and MASE of recur and the
 * classical methods on the same test parts, and the interval's coverage.
 */
export function globalReportRows(m: EvalReport): Array<[string, unknown, string]> {
  const rows: Array<[string, unknown, string]> = [];
  const what = `over ${m.series} series, ${m.horizon} steps`;
  for (const [prefix, who] of METHODS) rows.push([`sMAPE % (test, ${what})`, m[`${prefix}smape`], who]);
  for (const [prefix, who] of METHODS) rows.push([`MASE (season ${m.season})`, m[`${prefix}mase`], who]);
  if (typeof m.coverage === 'number') {
    const how = m.calibrated === 1 ? 'conformal calibration on validation' : typeof m.interval_scale === 'number' ? `widths x ${m.interval_scale.toFixed(2)}, an older checkpoint` : 'uncalibrated';
    rows.push([`${m.interval}% interval: share of test values inside`, m.coverage, `recur (${how})`]);
  }
  return rows;
}
