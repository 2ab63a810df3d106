import { FormatError } from '../errors.js';
import { columnIndex, type CsvTable } from './csv.js';

/**
 * Many series in one table, each with its own length: what a global forecaster trains on.
 * `values[i]` is series `ids[i]` in time order; `categories[i]` its static category ('' when
 * the file has none).
 */
export interface Panel {
  ids: string[];
  values: Float64Array[];
  categories: string[];
}

/** Which columns of a long-format table hold what. */
export interface LongColumns {
  /** The column naming each row's series. */
  id: string;
  /** The value column (default: the last column that is not the id, the time or the category). */
  value?: string;
  /** A column ordering the rows of a series (numbers or ISO dates); default 't' or 'time' or 'date' when present, else file order. */
  time?: string;
  /** A static category per series (must not change within a series). */
  category?: string;
  /** Missing values: an error (default), or filled linearly between the series' neighbours. */
  missing?: 'error' | 'interpolate';
}

const MISSING = new Set(['', 'na', 'nan', 'null', 'none', '?']);

function parseValue(raw: string, where: string, source: string): number {
  const v = Number(raw.trim());
  if (raw.trim() === '' || Number.isNaN(v)) throw new FormatError(`${source}: ${where} holds '${raw}', which is not a number`);
  if (!Number.isFinite(v)) throw new FormatError(`${source}: ${where} is infinite`);
  return v;
}

/** A sortable key for a time cell: a number, or an ISO-like date string compared as text. */
function timeKey(raw: string): number | string {
  const v = Number(raw.trim());
  return raw.trim() !== '' && Number.isFinite(v) ? v : raw.trim();
}

/**
 * Reads a long-format table (`series,t,value` rows, any order) into a panel: rows grouped by
 * the id column, each group ordered by the time column. Series appear in order of their first
 * row. Missing values and repeated time points are errors naming the series and row.
 *
 * @example
 * const table = parseCsv('series,t,value\na,1,10\na,2,12\nb,1,5\n', 'f.csv');
 * longPanel(table, { id: 'series' }, 'f.csv'); // ids ['a', 'b'], values [[10, 12], [5]]
 */
export function longPanel(table: CsvTable, columns: LongColumns, source: string): Panel {
  const idCol = columnIndex(table, columns.id, source);
  const lower = table.header.map((h) => h.trim().toLowerCase());
  const timeName = columns.time ?? table.header[lower.findIndex((h) => h === 't' || h === 'time' || h === 'date')];
  const timeCol = timeName === undefined ? -1 : columnIndex(table, timeName, source);
  const catCol = columns.category === undefined ? -1 : columnIndex(table, columns.category, source);
  let valueCol: number;
  if (columns.value !== undefined) valueCol = columnIndex(table, columns.value, source);
  else {
    const rest = table.header.map((_, k) => k).filter((k) => k !== idCol && k !== timeCol && k !== catCol);
    if (rest.length === 0) throw new FormatError(`${source}: no value column besides the id${timeCol >= 0 ? ' and time' : ''} columns; name one with --column`);
    valueCol = rest[rest.length - 1]!;
  }
  const groups = new Map<string, { rows: Array<{ key: number | string; value: number; row: number }>; category: string }>();
  table.rows.forEach((row, i) => {
    const id = row[idCol]!.trim();
    if (id === '') throw new FormatError(`${source}: data row ${i + 1} has an empty series id in column '${table.header[idCol]}'`);
    const raw = row[valueCol]!;
    const hole = MISSING.has(raw.trim().toLowerCase());
    if (hole && columns.missing !== 'interpolate') {
      throw new FormatError(`${source}: series '${id}' is missing its value in data row ${i + 1} (column '${table.header[valueCol]}'); fill it or drop the row`);
    }
    const value = hole ? NaN : parseValue(raw, `column '${table.header[valueCol]}' of data row ${i + 1}`, source);
    const category = catCol >= 0 ? row[catCol]!.trim() : '';
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { rows: [], category }));
    else if (g.category !== category) {
      throw new FormatError(`${source}: series '${id}' changes category from '${g.category}' to '${category}' in data row ${i + 1}; a category is static, one per series`);
    }
    g.rows.push({ key: timeCol >= 0 ? timeKey(row[timeCol]!) : i, value, row: i + 1 });
  });
  if (groups.size === 0) throw new FormatError(`${source}: no data rows`);
  const ids: string[] = [];
  const values: Float64Array[] = [];
  const categories: string[] = [];
  for (const [id, g] of groups) {
    const rows = timeCol >= 0 ? [...g.rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : g.rows;
    for (let k = 1; k < rows.length; k++) {
      if (rows[k]!.key === rows[k - 1]!.key) {
        throw new FormatError(`${source}: series '${id}' has two rows for time ${rows[k]!.key} (data rows ${rows[k - 1]!.row} and ${rows[k]!.row})`);
      }
    }
    ids.push(id);
    values.push(fillGaps(Float64Array.from(rows, (r) => r.value), id, source));
    categories.push(g.category);
  }
  return { ids, values, categories };
}

/**
 * Reads a wide table, one column per series (rows in time order), into a panel. A series may
 * start or end later than the others: its empty cells before its first and after its last
 * value are dropped; a gap inside a series is an error.
 *
 * @example
 * widePanel(parseCsv('a,b\n1,\n2,5\n3,6\n', 'f.csv'), ['a', 'b'], 'f.csv'); // values [[1, 2, 3], [5, 6]]
 */
export function widePanel(table: CsvTable, columns: readonly string[], source: string, missing: 'error' | 'interpolate' = 'error'): Panel {
  if (columns.length === 0) throw new FormatError(`${source}: name at least one series column with --columns`);
  const values = columns.map((name) => {
    const k = columnIndex(table, name, source);
    const cells = table.rows.map((r) => r[k]!.trim());
    const present = cells.map((c) => !MISSING.has(c.toLowerCase()));
    const first = present.indexOf(true);
    const last = present.lastIndexOf(true);
    if (first < 0) throw new FormatError(`${source}: column '${name}' has no values`);
    const gap = present.slice(first, last + 1).indexOf(false);
    if (gap >= 0 && missing === 'error') {
      throw new FormatError(`${source}: column '${name}' is missing a value in data row ${first + gap + 1}, inside the series; fill it, or pass --missing interpolate`);
    }
    const inner = cells.slice(first, last + 1);
    return fillGaps(Float64Array.from(inner, (c, i) => (present[first + i] ? parseValue(c, `column '${name}' row ${first + i + 1}`, source) : NaN)), name, source);
  });
  return { ids: [...columns], values, categories: columns.map(() => '') };
}

/** Fills NaN holes linearly between their neighbours (ends copy the nearest value); all-NaN is an error. */
function fillGaps(v: Float64Array, id: string, source: string): Float64Array {
  let prev = -1;
  for (let i = 0; i <= v.length; i++) {
    if (i < v.length && Number.isNaN(v[i]!)) continue;
    if (i === v.length && prev < 0) throw new FormatError(`${source}: series '${id}' has no values`);
    for (let j = prev + 1; j < i; j++) {
      if (prev < 0) v[j] = v[i]!;
      else if (i >= v.length) v[j] = v[prev]!;
      else v[j] = v[prev]! + ((v[i]! - v[prev]!) * (j - prev)) / (i - prev);
    }
    prev = i;
  }
  return v;
}
