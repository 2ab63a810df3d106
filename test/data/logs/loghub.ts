// Loads the repo's copy of loghub's 2k samples (data/logs/loghub_2k, LICENSE beside it) and
// measures grouping accuracy; shared by the tests and scripts/logs-quality.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { LOGHUB_FORMATS } from '../../../src/data/logs/format.js';
import { groupingAccuracy } from '../../../src/data/logs/grouping-accuracy.js';
import { decodeLog, splitLogLines } from '../../../src/data/logs/lines.js';
import { parseLogLines, type ParseLogOptions } from '../../../src/data/logs/parse-log.js';

export const LOGHUB_DIR = fileURLToPath(new URL('../../../data/logs/loghub_2k/', import.meta.url));
export const HDFS_SESSIONS = fileURLToPath(new URL('../../../data/logs/hdfs_sessions_train.jsonl.gz', import.meta.url));

/** The HDFS sessions' JSON Lines text (the file is kept gzipped). */
export const readHdfsSessions = (): string => gunzipSync(readFileSync(HDFS_SESSIONS)).toString('utf8');

/** The 12 systems of the copy, in the order of the table. */
export const SYSTEMS = ['HDFS', 'Hadoop', 'Spark', 'Zookeeper', 'HPC', 'Windows', 'Linux', 'Android', 'HealthApp', 'Apache', 'Proxifier', 'OpenStack'] as const;

/** Drain's published grouping accuracy (logpai/logparser Drain README, loghub 2k, per-system settings; Zhu et al. ICSE-SEIP 2019). */
export const DRAIN_PUBLISHED: Record<string, number> = {
  HDFS: 0.998, Hadoop: 0.948, Spark: 0.92, Zookeeper: 0.967, HPC: 0.887, Windows: 0.997, Linux: 0.69, Android: 0.911,
  HealthApp: 0.78, Apache: 1.0, Proxifier: 0.527, OpenStack: 0.733,
};

/** Raw lines of one system. */
export function loadLines(system: string): { lines: string[]; lineNumbers: number[] } {
  const path = `${LOGHUB_DIR}${system}_2k.log`;
  return splitLogLines(decodeLog(readFileSync(path), path), {}, path);
}

const FIELD = /(?:"((?:[^"]|"")*)"|([^,]*))(,|$)/g;

/** The fields of one CSV record without embedded newlines (as in loghub's files); 5x faster than parseCsv here. */
function csvRecord(line: string): string[] {
  const out: string[] = [];
  FIELD.lastIndex = 0;
  for (let m = FIELD.exec(line); m; m = FIELD.exec(line)) {
    out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]!);
    if (m[3] === '') break;
  }
  return out;
}

/** Raw lines and loghub's true event ids of one system. */
export function loadSystem(system: string): { lines: string[]; lineNumbers: number[]; truth: string[] } {
  const name = `${system}_2k.log_structured.csv`;
  const [head, ...rows] = readFileSync(`${LOGHUB_DIR}${name}`, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  const header = csvRecord(head!);
  const e = header.indexOf('EventId');
  const truth = rows.map((r, i) => {
    const f = csvRecord(r);
    if (f.length !== header.length) throw new Error(`${name}: row ${i + 2} has ${f.length} fields, the header ${header.length}`);
    return f[e]!;
  });
  return { ...loadLines(system), truth };
}

/** Grouping accuracy of the parser on one system (loghub's format for it unless `options.format`). */
export function systemAccuracy(system: string, options: ParseLogOptions = {}): { accuracy: number; templates: number; truthTemplates: number } {
  const { lines, lineNumbers, truth } = loadSystem(system);
  const log = parseLogLines(lines, lineNumbers, { format: LOGHUB_FORMATS[system], ...options });
  if (log.lines.length !== truth.length) throw new Error(`${system}: ${log.lines.length} parsed lines for ${truth.length} in the ground truth`);
  return { accuracy: groupingAccuracy(log.lines.map((l) => l.eventId), truth), templates: log.templates.size, truthTemplates: new Set(truth).size };
}
