import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baselineRmse, detectSeason, fitScaler, FormatError, numericColumn, parseCsv, Rng, splitByTime } from '../../src/index.js';
import { columnIndex } from '../../src/data/csv.js';

const formatError = (re: RegExp) => (e: unknown) => e instanceof FormatError && re.test(e.message);

test('parseCsv: quotes, escaped quotes, embedded newlines and separators inside quotes', () => {
  const t = parseCsv('name,note,v\n"Smith, J","said ""hi""\nthen left",3\nx,"",4\n', 'a.csv');
  assert.deepEqual(t.header, ['name', 'note', 'v']);
  assert.deepEqual(t.rows, [
    ['Smith, J', 'said "hi"\nthen left', '3'],
    ['x', '', '4'],
  ]);
});

test('parseCsv: CRLF, BOM, blank lines and a missing final newline', () => {
  const t = parseCsv('\ufeffdate,value\r\n2020,1\r\n\r\n2021,2\r\n\n2022,3', 'b.csv');
  assert.deepEqual(t.header, ['date', 'value']);
  assert.deepEqual(t.rows, [['2020', '1'], ['2021', '2'], ['2022', '3']]);
});

test('parseCsv: semicolon and tab separators are detected from the header', () => {
  assert.deepEqual(parseCsv('a;b\n1,5;2\n', 's.csv').rows, [['1,5', '2']]);
  assert.deepEqual(parseCsv('a\tb\tc\n1\t2\t3\n', 't.tsv').rows, [['1', '2', '3']]);
  assert.deepEqual(parseCsv('a;b\n1;2\n', 's.csv').header, ['a', 'b']);
  // separators inside quoted header names do not count
  assert.deepEqual(parseCsv('"Sales, EUR";"Date"\n"1,5";2020\n', 'q.csv'), { header: ['Sales, EUR', 'Date'], rows: [['1,5', '2020']] });
  assert.deepEqual(parseCsv('"a;b",c\n1,2\n', 'q.csv').header, ['a;b', 'c']);
});

test('parseCsv: a ragged row is an error naming its line (counting embedded newlines)', () => {
  assert.throws(() => parseCsv('a,b\n1,2\n3\n', 'r.csv'), formatError(/r\.csv: line 3 has 1 fields, the header has 2/));
  assert.throws(() => parseCsv('a,b\n"x\ny",2\n\n1,2,3\n', 'r.csv'), formatError(/line 5 has 3 fields/));
  // CRLF counts as one line break, a lone CR (old Mac files) too
  assert.throws(() => parseCsv('a,b\r\n1,2\r\n\r\n3,4,5\r\n', 'crlf.csv'), formatError(/line 4 has 3 fields/));
  assert.throws(() => parseCsv('a,b\r1,2\r3\r', 'cr.csv'), formatError(/line 3 has 1 fields/));
});

test('parseCsv: an unclosed quote, an empty file, a header without rows are errors', () => {
  assert.throws(() => parseCsv('a,b\n1,2\n"3,4\n5,6\n', 'q.csv'), formatError(/q\.csv: line 3: a quoted field is never closed/));
  assert.throws(() => parseCsv('', 'e.csv'), formatError(/e\.csv: the file is empty/));
  assert.throws(() => parseCsv('\n\n', 'e.csv'), formatError(/the file is empty/));
  assert.throws(() => parseCsv('a,b\n', 'h.csv'), formatError(/h\.csv: has a header but no data rows/));
});

test('parseCsv: a whitespace-only line counts as blank', () => {
  assert.deepEqual(parseCsv('a,b\n1,2\n   \n3,4\n \t\n', 'w.csv').rows, [['1', '2'], ['3', '4']]);
});

test('columnIndex: by name, by number; an unknown column lists the real ones', () => {
  const t = parseCsv('date,sales,temp\n1,2,3\n', 'c.csv');
  assert.equal(columnIndex(t, 'temp', 'c.csv'), 2);
  assert.equal(columnIndex(t, '1', 'c.csv'), 1);
  assert.throws(() => numericColumn(t, 'price', 'c.csv'), formatError(/c\.csv: no column 'price'; the columns are: 'date', 'sales', 'temp'/));
});

test('numericColumn: values; missing -> error naming the row and --missing interpolate', () => {
  const t = parseCsv('d,v\n1, 2.5\n2,-1e3\n3,NA\n4,7\n', 'm.csv');
  assert.throws(() => numericColumn(t, 'v', 'm.csv'), formatError(/m\.csv: column 'v' is missing a value in data row 3; .*--missing interpolate/));
  const v = numericColumn(t, 'v', 'm.csv', 'interpolate');
  assert.deepEqual([...v], [2.5, -1000, (-1000 + 7) / 2, 7]);
});

test('numericColumn: interpolation at the start, middle (several holes) and end', () => {
  const t = parseCsv('v\n\nnan\n4\nnull\n\n10\n?\nNone\n', 'i.csv');
  // blank lines are skipped by the parser, so use a two-column file for empty cells
  const t2 = parseCsv('k,v\n0,\n1,nan\n2,4\n3,null\n4,\n5,10\n6,?\n7,None\n', 'i.csv');
  assert.deepEqual([...numericColumn(t2, 'v', 'i.csv', 'interpolate')], [4, 4, 4, 6, 8, 10, 10, 10]);
  assert.deepEqual([...numericColumn(t, 'v', 'i.csv', 'interpolate')], [4, 4, 7, 10, 10, 10]);
});

test('numericColumn: text and infinities are errors even when interpolating; all missing is an error', () => {
  const t = parseCsv('v,w,x\n1,1,\n abc ,Infinity,\n3,3,\n', 'n.csv');
  assert.throws(() => numericColumn(t, 'v', 'n.csv', 'interpolate'), formatError(/column 'v' row 2 holds 'abc', which is not a number/));
  assert.throws(() => numericColumn(t, 'w', 'n.csv', 'interpolate'), formatError(/column 'w' row 2 is infinite/));
  assert.throws(() => numericColumn(t, 'x', 'n.csv', 'interpolate'), formatError(/column 'x' has no values at all/));
});

test('fitScaler: sample mean and std; a constant column is an error', () => {
  const s = fitScaler([1, 2, 3, 4], 'col');
  assert.equal(s.mean, 2.5);
  assert.ok(Math.abs(s.std - Math.sqrt(5 / 3)) < 1e-12);
  assert.throws(() => fitScaler([5, 5, 5], "column 'v'"), formatError(/column 'v': is constant \(5\)/));
  assert.throws(() => fitScaler([1e9, 1e9, 1e9], 'big'), formatError(/constant/));
  assert.throws(() => fitScaler([1], 'one'), formatError(/at least 2 values/));
});

test('splitByTime: the test part last, validation before it', () => {
  assert.deepEqual(splitByTime(100, 0.1, 0.2), { trainEnd: 70, valEnd: 80, n: 100 });
  assert.deepEqual(splitByTime(10, 0.15, 0.15), { trainEnd: 6, valEnd: 8, n: 10 });
  assert.deepEqual(splitByTime(50, 0, 0.1), { trainEnd: 45, valEnd: 45, n: 50 });
});

test('detectSeason: periods 12 and 7 with trend and noise; white noise and a line give 1', () => {
  const rng = new Rng(3);
  const monthly = Array.from({ length: 144 }, (_, t) => 100 + 0.5 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + rng.normal());
  assert.equal(detectSeason(monthly, 60), 12);
  const weekly = Array.from({ length: 140 }, (_, t) => [5, 6, 6, 7, 8, 12, 11][t % 7]! + 0.3 * rng.normal());
  assert.equal(detectSeason(weekly, 60), 7);
  const noise = Array.from({ length: 300 }, () => rng.normal());
  assert.equal(detectSeason(noise, 60), 1);
  assert.equal(detectSeason(Array.from({ length: 50 }, (_, t) => 2 * t), 20), 1);
  // a period beyond maxLag is not mistaken for the short lags of a smooth curve
  assert.equal(detectSeason(monthly, 10), 1);
  // a smooth period: the peak itself, not a step early or a short lag
  assert.equal(detectSeason(Array.from({ length: 200 }, (_, t) => Math.sin((2 * Math.PI * t) / 40)), 60), 40);
  // hourly data with a daily cycle and a trend: 24, not a multiple
  const hourly = Array.from({ length: 24 * 30 }, (_, t) => 10 + Math.sin((2 * Math.PI * t) / 24) + 0.05 * rng.normal() + 0.01 * t);
  assert.equal(detectSeason(hourly, 60), 24);
  // short periods: quarterly, and a plain alternation
  assert.equal(detectSeason(Array.from({ length: 80 }, (_, t) => [1, 3, 2, 5][t % 4]! + 0.1 * rng.normal()), 60), 4);
  assert.equal(detectSeason(Array.from({ length: 40 }, (_, t) => (t % 2) * 3 + 0.1 * rng.normal()), 60), 2);
});

test('baselineRmse: persistence and seasonal-naive on a hand-worked series', () => {
  const y = [1, 2, 4, 3, 5, 9];
  // over [3, 6): naive diffs 3-4, 5-3, 9-5 = -1, 2, 4 -> sqrt(21/3); season 2: 3-2, 5-4, 9-3 = 1, 1, 6 -> sqrt(38/3)
  const r = baselineRmse(y, 3, 6, 2);
  assert.ok(Math.abs(r.naive - Math.sqrt(7)) < 1e-12);
  assert.ok(Math.abs(r.seasonalNaive - Math.sqrt(38 / 3)) < 1e-12);
  // season 1: both the same
  const s1 = baselineRmse(y, 1, 6, 1);
  assert.equal(s1.naive, s1.seasonalNaive);
  assert.ok(Math.abs(s1.naive - Math.sqrt((1 + 4 + 1 + 4 + 16) / 5)) < 1e-12);
});
