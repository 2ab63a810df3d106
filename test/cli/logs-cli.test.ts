import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { recur, repoRoot } from '../helpers/cli.js';
import { readHdfsSessions } from '../data/logs/loghub.js';

// A small subset of the HDFS sessions: the first 600 normal and the first 60 anomalous ones.
const dir = mkdtempSync(join(tmpdir(), 'recur-logs-'));
const all = readHdfsSessions().trim().split('\n');
const isAnomaly = (l: string) => (JSON.parse(l) as { label?: string }).label === 'anomaly';
const data = join(dir, 'hdfs-small.jsonl');
writeFileSync(data, [...all.filter((l) => !isAnomaly(l)).slice(0, 600), ...all.filter(isAnomaly).slice(0, 60)].join('\n') + '\n');
const run = join(dir, 'run');
const train = recur(['train', data, '--task', 'logs', '--epochs', '2', '--hidden', '32', '--layers', '1', '--out', run, '--json']);

test('recur train --task logs: trains on normal sessions, reports F1 beside both baselines and the ceiling', () => {
  assert.equal(train.status, 0, train.stderr);
  const done = train.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>).find((e) => (e as { event?: string }).event === 'done')!;
  // 600 normal: 300 train, 120 validation, 180 test; 60 anomalies: 24 validation, 36 test.
  assert.equal(done.test_sessions, 216);
  assert.equal(done.test_anomalies, 36);
  // Measured: F1 0.737 (precision 1, recall 0.583); n-gram 0.714, unseen 0.737, ceiling 0.8125.
  assert.ok(done.f1! >= 0.7, `F1 ${done.f1}`);
  assert.ok(done.f1! >= done.ngram_f1!, `F1 ${done.f1} below the n-gram's ${done.ngram_f1}`);
  assert.ok(Math.abs(done.ceiling_f1! - 0.8125) < 1e-12);
});

test('recur eval --json: precision, recall, F1, both baselines and the ceiling', () => {
  const r = recur(['eval', run, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout) as Record<string, number>;
  for (const k of ['precision', 'recall', 'f1', 'threshold_p', 'g', 'top_g_f1', 'ngram_precision', 'ngram_recall', 'ngram_f1', 'unseen_precision', 'unseen_recall', 'unseen_f1', 'ceiling_f1', 'separable_recall']) {
    assert.equal(typeof m[k], 'number', k);
  }
  assert.ok(m.f1! >= 0.7);
  const text = recur(['eval', run]);
  assert.match(text.stdout, /separable ceiling/);
});

test('recur detect: anomalous sessions with the first unexpected event; the same from standard input as event lines', () => {
  const r = recur(['detect', run, data, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const found = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { session: string; anomalous: boolean; position: number; expected: string[]; closed: string });
  assert.ok(found.length >= 30 && found.every((d) => d.anomalous && d.position >= 1 && d.expected.length >= 1 && d.closed === 'complete'));
  assert.match(r.stderr, /660 sessions, \d+ anomalous \(p < /);
  // The first 40 sessions as one JSON event a line on stdin, closed at the end of input.
  const sessions = all.slice(0, 40).map((l) => JSON.parse(l) as { session: string; events: string[] });
  const events = sessions.flatMap((s) => s.events.map((event) => JSON.stringify({ session: s.session, event }))).join('\n');
  const entry = fileURLToPath(new URL('../helpers/cli-entry.ts', import.meta.url));
  const piped = spawnSync(process.execPath, ['--import', 'tsx', entry, 'detect', run, '-', '--json', '--all'], { cwd: repoRoot, input: events, encoding: 'utf8' });
  assert.equal(piped.status, 0, piped.stderr);
  const streamed = piped.stdout.trim().split('\n').map((l) => JSON.parse(l) as { session: string; anomalous: boolean; closed: string });
  assert.deepEqual(streamed.map((d) => d.session).sort(), sessions.map((s) => s.session).sort());
  const batch = new Set(found.map((d) => d.session));
  for (const d of streamed) assert.equal(d.anomalous, batch.has(d.session), d.session);
  // The same file gzipped: detect streams it, eval reads it, with the same results.
  const gz = join(dir, 'sessions.jsonl.gz');
  writeFileSync(gz, gzipSync(readFileSync(data)));
  const zipped = recur(['detect', run, gz, '--json']);
  assert.equal(zipped.status, 0, zipped.stderr);
  assert.equal(zipped.stdout, r.stdout);
  assert.equal(recur(['eval', run, '--data', gz, '--json']).stdout, recur(['eval', run, '--data', data, '--json']).stdout);
  const truncated = join(dir, 'truncated.jsonl.gz');
  writeFileSync(truncated, gzipSync(readFileSync(data)).subarray(0, 500));
  assert.match(recur(['detect', run, truncated]).stderr, /truncated\.jsonl\.gz: starts as a gzip file but cannot be decompressed .*is it truncated\?/);
  assert.match(recur(['eval', run, '--data', truncated]).stderr, /truncated\.jsonl\.gz: starts as a gzip file but cannot be decompressed .*is it truncated\?/);
});

test('recur detect: clear errors for binary input, raw lines without --session, a missing file, conflicting thresholds', () => {
  const bin = join(dir, 'bin.log');
  writeFileSync(bin, Buffer.from([0x7b, 0x00, 0x01]));
  assert.match(recur(['detect', run, bin]).stderr, /looks binary \(a NUL byte at offset 1\)/);
  const rawLog = join(dir, 'raw.log');
  writeFileSync(rawLog, 'not json\n');
  assert.match(recur(['detect', run, rawLog]).stderr, /line 1 is not JSON; raw log lines need --session/);
  assert.match(recur(['detect', run, join(dir, 'missing.jsonl')]).stderr, /missing\.jsonl: no such file/);
  assert.match(recur(['detect', run, data, '--top', '2', '--threshold', '0.1']).stderr, /give --top or --threshold, not both/);
});

test('recur train --resume on a logs checkpoint continues with the same split and vocabulary', () => {
  const r = recur(['train', '--resume', '--out', run, '--epochs', '3', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const done = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e.event === 'done')!;
  assert.equal(done.test_sessions, 216);
  const changed = recur(['train', data, '--task', 'logs', '--resume', '--out', run, '--window', '5']);
  assert.match(changed.stderr, /--window \(5; the checkpoint has unset\)/);
});
