import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../src/index.js';
import { buildGlobalTask, isGlobalSpec, panelSeason, readPanel } from '../../src/tasks/build-global.js';
import { quantileColumn } from '../../src/cli/forecast-global.js';

const model = { cell: 'lstm' as const, hiddenSize: 4, numLayers: 1, dropout: 0 };

/** n monthly values of a series with a season of 12 at its own level. */
function seasonal(n: number, level: number): number[] {
  return Array.from({ length: n }, (_, t) => level * (1 + 0.3 * Math.sin((2 * Math.PI * t) / 12)) * (1 + 0.002 * t));
}

test('readPanel: long format with --series-id, wide with --columns, and either one only', () => {
  const long = readPanel('id,t,v,kind\na,2,4,X\na,1,3,X\nb,1,7,Y\n', 'l.csv', { seriesId: 'id', category: 'kind' });
  assert.deepEqual(long.values.map((v) => Array.from(v)), [[3, 4], [7]]);
  assert.deepEqual(long.categories, ['X', 'Y']);
  const wide = readPanel('date,a,b\n1,1,NA\n2,2,5\n', 'w.csv', { columns: ['a', 'b'] });
  assert.deepEqual(wide.values.map((v) => Array.from(v)), [[1, 2], [5]]);
  assert.throws(() => readPanel('a,b\n1,2\n', 'w.csv', { seriesId: 'a', columns: ['b'] }), (e: unknown) => e instanceof OptionError && /either --series-id .* or --columns/.test(e.message));
  assert.throws(() => readPanel('a,b\n1,2\n', 'w.csv', { columns: ['a'], category: 'b' }), /--category needs the long format/);
  // Interior gaps: an error by default, filled with --missing interpolate.
  assert.throws(() => readPanel('a\n1\nNA\n3\n', 'w.csv', { columns: ['a'] }), /--missing interpolate/);
  assert.deepEqual(Array.from(readPanel('a\n1\nNA\n3\n', 'w.csv', { columns: ['a'], missing: 'interpolate' }).values[0]!), [1, 2, 3]);
  assert.equal(isGlobalSpec({ seriesId: 'id' }), true);
  assert.equal(isGlobalSpec({ columns: [] }), false);
});

test('panelSeason finds the common period of the series; buildGlobalTask fills the defaults from it', () => {
  const rows = ['series,t,value'];
  for (const [id, level] of [['p', 100], ['q', 5]] as const) seasonal(72, level).forEach((v, t) => rows.push(`${id},${t + 1},${v}`));
  const bytes = new TextEncoder().encode(rows.join('\n') + '\n');
  const panel = readPanel(rows.join('\n'), 'm.csv', { seriesId: 'series' });
  assert.equal(panelSeason(panel, 6), 12);
  const task = buildGlobalTask({ model, batchSize: 8, seed: 0, seriesId: 'series', horizon: 6 }, bytes, 'm.csv');
  assert.equal(task.options.season, 12);
  assert.equal(task.options.window, 15); // 1.25 x max(h, m)
  assert.deepEqual(task.options.quantiles, [0.1, 0.5, 0.9]);
  // A checkpoint's saved layout fixes the season, window and categories whatever the file says.
  const saved = { layout: { window: 9, horizon: 6, season: 4, calendar: false, categories: ['Z'] } };
  const again = buildGlobalTask({ model, batchSize: 8, seed: 0, seriesId: 'series', horizon: 6 }, bytes, 'm.csv', saved);
  assert.deepEqual([again.options.season, again.options.window, again.options.calendar, again.layout.categories], [4, 9, false, ['Z']]);
});

test('quantile columns are named by percent', () => {
  assert.deepEqual([0.1, 0.5, 0.9, 0.975].map(quantileColumn), ['q10', 'q50', 'q90', 'q97.5']);
});
