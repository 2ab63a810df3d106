import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/index.js';
import { parseCsv } from '../../src/data/csv.js';
import { longPanel, widePanel } from '../../src/data/panel.js';
import { encodePanelTargets, encodePanelWindow, panelFeatureCount, panelWindows, type WindowLayout } from '../../src/data/panel-windows.js';

test('longPanel groups rows by id, orders them by time, keeps first-appearance order and categories', () => {
  const csv = 'series,t,value,type\nb,2,20,MACRO\na,1,1,MICRO\nb,1,10,MACRO\na,3,3,MICRO\na,2,2,MICRO\n';
  const p = longPanel(parseCsv(csv, 'f.csv'), { id: 'series', category: 'type' }, 'f.csv');
  assert.deepEqual(p.ids, ['b', 'a']);
  assert.deepEqual(p.values.map((v) => Array.from(v)), [[10, 20], [1, 2, 3]]);
  assert.deepEqual(p.categories, ['MACRO', 'MICRO']);
  // The value column defaults to the last one that is not id, time or category.
  const q = longPanel(parseCsv('id,date,sales\nx,2020-02,5\nx,2020-01,4\n', 'g.csv'), { id: 'id' }, 'g.csv');
  assert.deepEqual(Array.from(q.values[0]!), [4, 5]);
});

test('longPanel errors name the series, the row and the fix', () => {
  const bad = (csv: string, re: RegExp, cols = { id: 'series' }) =>
    assert.throws(() => longPanel(parseCsv(csv, 'f.csv'), cols, 'f.csv'), (e: unknown) => e instanceof FormatError && re.test(e.message), re.source);
  bad('series,t,value\na,1,1\na,1,2\n', /series 'a' has two rows for time 1 \(data rows 1 and 2\)/);
  bad('series,t,value\na,1,\n', /series 'a' is missing its value in data row 1/);
  bad('series,t,value\na,1,x\n', /'x', which is not a number/);
  bad('series,t,value\n,1,3\n', /data row 1 has an empty series id/);
  bad('series,t,value,c\na,1,1,A\na,2,1,B\n', /changes category from 'A' to 'B'/, { id: 'series', category: 'c' } as never);
  bad('name,t,value\na,1,1\n', /no column 'series'; the columns are: 'name', 't', 'value'/);
  bad('series,t\na,1\n', /no value column/);
});

test('widePanel: one column per series, ragged starts and ends dropped, inner gaps refused', () => {
  const p = widePanel(parseCsv('month,a,b\n1,1,\n2,2,5\n3,3,6\n4,,7\n', 'w.csv'), ['a', 'b'], 'w.csv');
  assert.deepEqual(p.values.map((v) => Array.from(v)), [[1, 2, 3], [5, 6, 7]]);
  assert.deepEqual(p.ids, ['a', 'b']);
  assert.throws(() => widePanel(parseCsv('a\n1\n\n3\n'.replace('\n\n', '\nNA\n'), 'w.csv'), ['a'], 'w.csv'), /missing a value in data row 2, inside the series/);
  assert.throws(() => widePanel(parseCsv('a,b\n1,2\n', 'w.csv'), ['c'], 'w.csv'), /no column 'c'/);
});

const layout: WindowLayout = { window: 3, horizon: 2, season: 4, calendar: true, categories: ['A', 'B'] };

test('encodePanelWindow: values relative to the window\'s last value, season position, one-hot category, padding', () => {
  assert.equal(panelFeatureCount(layout), 1 + 2 + 2);
  const z = [0.5, 1, 1.5, 3, 2.5];
  const x = new Float32Array(3 * 5);
  encodePanelWindow(z, 4, 1, layout, x, 0); // reads z[1..3], level z[3] = 3
  const step = (s: number) => Array.from(x.subarray(s * 5, s * 5 + 5)).map((v) => Math.round(v * 1e6) / 1e6 + 0);
  assert.deepEqual(step(0), [-2, 1, 0, 0, 1]); // position 1 of 4: sin(pi/2), cos(pi/2)
  assert.deepEqual(step(2), [0, -1, 0, 0, 1]); // position 3: sin(3pi/2) = -1
  assert.equal(step(1)[1], 0);
  assert.equal(step(1)[2], -1);
  const t = new Float32Array(2);
  encodePanelTargets(z, 3, 2, t, 0); // z[3], z[4] - z[2]
  assert.deepEqual(Array.from(t), [1.5, 1]);
  // A window starting before the series repeats its first value (padding), relative to the level.
  encodePanelWindow(z, 2, 0, layout, x, 0); // reads z[-1], z[0], z[1]; level z[1] = 1
  assert.deepEqual([x[0], x[5], x[10]], [-0.5, -0.5, 0]);
  assert.deepEqual([x[3], x[4]], [1, 0]);
});

test('panelWindows covers every series with its whole targets inside and enough real input', () => {
  const w = panelWindows([7, 3, 5], 2, 3);
  assert.deepEqual(w.map((r) => `${r.series}:${r.t}`), ['0:3', '0:4', '0:5', '2:3']);
  assert.equal(panelWindows([2], 2, 1).length, 0);
});
