import { FormatError } from '../errors.js';

/** A parsed CSV: the header row and the data rows, every row as long as the header. */
export interface CsvTable {
  header: string[];
  rows: string[][];
}

/**
 * Parses CSV text (RFC 4180: quoted fields with "" escapes and embedded newlines; comma or
 * semicolon or tab separator, detected from the header). The first row is the header.
 * Blank (or white-space-only) lines are skipped; a row with a different number of fields is
 * an error naming it.
 */
export function parseCsv(text: string, source: string): CsvTable {
  if (text.startsWith('\ufeff')) text = text.slice(1);
  // The header's separators, not those inside its quoted names ("Sales, EUR";"Date").
  const firstLine = text.slice(0, text.search(/[\r\n]|$/)).replace(/"[^"]*"/g, '');
  const sep = [',', ';', '\t'].reduce((best, s) => (count(firstLine, s) > count(firstLine, best) ? s : best), ',');
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let sawAny = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.length === 0) {
      quoted = true;
      sawAny = true;
    } else if (ch === sep) {
      fields.push(field);
      field = '';
      sawAny = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (sawAny) records.push({ line: recordLine, fields: [...fields, field] });
      fields = [];
      field = '';
      sawAny = false;
      line++;
      recordLine = line;
    } else {
      field += ch;
      if (ch.trim() !== '') sawAny = true;
    }
  }
  if (quoted) throw new FormatError(`${source}: line ${recordLine}: a quoted field is never closed`);
  if (sawAny) records.push({ line: recordLine, fields: [...fields, field] });
  if (records.length === 0) throw new FormatError(`${source}: the file is empty; expected a header row and data rows`);
  const header = records[0]!.fields.map((h) => h.trim());
  const rows: string[][] = [];
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      throw new FormatError(`${source}: line ${r.line} has ${r.fields.length} fields, the header has ${header.length}`);
    }
    rows.push(r.fields);
  }
  if (rows.length === 0) throw new FormatError(`${source}: has a header but no data rows`);
  return { header, rows };
}

function count(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

/** Index of a column by name (or by 0-based number), with an error listing the real names. */
export function columnIndex(table: CsvTable, name: string, source: string): number {
  let k = table.header.indexOf(name);
  if (k < 0 && /^\d+$/.test(name) && Number(name) < table.header.length) k = Number(name);
  if (k < 0) {
    throw new FormatError(`${source}: no column '${name}'; the columns are: ${table.header.map((h) => `'${h}'`).join(', ')}`);
  }
  return k;
}
