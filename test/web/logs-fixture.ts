// A small logs checkpoint for the logs explorer's tests: trained by the CLI in a few seconds
// on the first 200 normal and 20 anomalous HDFS sessions (data/logs, loghub's notice beside
// it), and what `recur detect --json --all` says about the same sessions.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recur } from '../helpers/cli.js';
import { readHdfsSessions } from '../data/logs/loghub.js';

export interface CliDetection {
  session: string;
  anomalous: boolean;
  position?: number;
  event?: string;
  /** null: an event training never saw. */
  rank?: number | null;
  probability?: number;
  expected?: string[];
}

export interface LogsFixture {
  dir: string;
  run: string;
  sessionsFile: string;
  sessions: Array<{ session: string; events: string[]; label?: string }>;
}

/** Trains the checkpoint (about 2 s) under a fresh temporary directory. */
export function makeLogsFixture(): LogsFixture {
  const dir = mkdtempSync(join(tmpdir(), 'recur-logs-viz-'));
  const all = readHdfsSessions().trim().split('\n');
  const isAnomaly = (l: string) => (JSON.parse(l) as { label?: string }).label === 'anomaly';
  const lines = [...all.filter((l) => !isAnomaly(l)).slice(0, 200), ...all.filter(isAnomaly).slice(0, 20)];
  const sessionsFile = join(dir, 'hdfs-small.jsonl');
  writeFileSync(sessionsFile, lines.join('\n') + '\n');
  const run = join(dir, 'run');
  const r = recur(['train', sessionsFile, '--task', 'logs', '--epochs', '3', '--hidden', '16', '--layers', '1', '--seed', '1', '--out', run, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return { dir, run, sessionsFile, sessions: lines.map((l) => JSON.parse(l) as LogsFixture['sessions'][number]) };
}

/** `recur detect RUN FILE --json --all [extra]`, by session. */
export function cliDetections(f: LogsFixture, extra: string[] = [], file = f.sessionsFile): Map<string, CliDetection> {
  const r = recur(['detect', f.run, file, '--json', '--all', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  const list = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as CliDetection & { closed?: string; events?: number; unknown?: boolean });
  return new Map(list.map(({ closed: _c, events: _e, unknown: _u, ...d }) => [d.session, d]));
}
