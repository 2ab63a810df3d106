/** What the global forecaster's check reads of a spec (flags or config.json fields). */
export interface GlobalSpecOptions {
  kind: string;
  model: { highway?: number };
  features?: string[];
  seriesId?: string;
  columns?: string[];
  category?: string;
  quantiles?: number[];
  calendar?: boolean;
}

const GLOBAL_FIELDS = [
  ['seriesId', '--series-id'],
  ['columns', '--columns'],
  ['category', '--category'],
  ['quantiles', '--quantiles'],
  ['calendar', '--no-calendar'],
] as const;

/**
 * The first problem with a spec's global-forecast options, or null: one given for another task,
 * both formats at once, a category without the long format, options of the single-series
 * forecaster (highway, extra columns) with many series, or quantiles that are not increasing
 * levels in (0, 1). Called by `specProblem`.
 *
 * @example
 * globalSpecProblem({ kind: 'forecast', model: {}, seriesId: 'id', columns: ['a'] }, 'flags'); // 'give either ...'
 */
export function globalSpecProblem(spec: GlobalSpecOptions, voice: 'flags' | 'fields'): string | null {
  const name = (field: string, flag: string) => (voice === 'flags' ? flag : `spec.${field}`);
  const global = spec.seriesId !== undefined || (spec.columns !== undefined && spec.columns.length > 0);
  for (const [field, flag] of GLOBAL_FIELDS) {
    if (spec[field] === undefined) continue;
    if (spec.kind !== 'forecast') return `${name(field, flag)} is for ${voice === 'flags' ? '--task forecast' : 'forecast models'} only`;
    if (!global) return `${name(field, flag)} is for a model of many series: give --series-id (long format) or --columns (wide format)`;
  }
  if (!global) return null;
  if (spec.seriesId !== undefined && spec.columns?.length) return `give either ${name('seriesId', '--series-id')} (long format) or ${name('columns', '--columns')} (wide format), not both`;
  if (spec.category !== undefined && spec.seriesId === undefined) return `${name('category', '--category')} needs the long format (${name('seriesId', '--series-id')})`;
  if (spec.model.highway) return `${name('model.highway', '--highway')} is for the single-series forecaster, not with ${name('seriesId', '--series-id')} or ${name('columns', '--columns')}`;
  if (spec.features?.length) return `${name('features', '--features')} is for the single-series forecaster; a model of many series reads each series' own values`;
  const q = spec.quantiles;
  if (q !== undefined) {
    if (!Array.isArray(q) || q.length === 0 || q.some((v, i) => !(typeof v === 'number' && v > 0 && v < 1) || (i > 0 && !(v > q[i - 1]!)))) {
      return `${name('quantiles', '--quantiles')} must be increasing levels strictly between 0 and 1, e.g. 0.1,0.5,0.9; got ${JSON.stringify(q)}`;
    }
  }
  return null;
}
