import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recur } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'recur-parse-'));
const log = join(dir, 'hdfs.log');
writeFileSync(log, [
  '081109 203518 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_-1608999687919862906 src: /10.250.19.102:54106 dest: /10.250.19.102:50010',
  '081109 203518 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /mnt/hadoop/job.jar. blk_-1608999687919862906',
  '081109 203519 143 INFO dfs.DataNode$DataXceiver: Receiving block blk_7503483334202473044 src: /10.250.10.6:40524 dest: /10.250.10.6:50010',
  '',
  '081109 203519 145 INFO dfs.DataNode$PacketResponder: Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6',
].join('\n') + '\n');

test('recur parse: CSV of LineId,EventId,EventTemplate with the format detected', () => {
  const r = recur(['parse', log]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, [
    'LineId,EventId,EventTemplate',
    '1,E1,Receiving block <*> src: /<*> dest: /<*>',
    '2,E2,BLOCK* NameSystem.allocateBlock: /mnt/hadoop/job.jar. <*>',
    '3,E1,Receiving block <*> src: /<*> dest: /<*>',
    '5,E3,Received block <*> of size <*> from <*>',
  ].join('\n') + '\n');
  assert.match(r.stderr, /4 lines, 3 templates \(format detected: HDFS\)/);
});

test('recur parse --session: sessions by block id as JSON Lines, written atomically to --out', () => {
  const out = join(dir, 'sessions.jsonl');
  const r = recur(['parse', log, '--format', '<Date> <Time> <Pid> <Level> <Component>: <Content>', '--session', 'blk_-?\\d+', '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { session: string; events: string[] });
  assert.deepEqual(lines.map((s) => [s.session, s.events.length]), [['blk_-1608999687919862906', 3], ['blk_7503483334202473044', 1]]);
  const windows = recur(['parse', log, '--window', '3:2']);
  assert.equal(windows.status, 0, windows.stderr);
  assert.deepEqual(windows.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { events: string[] }).events.length), [3, 2]);
  assert.match(recur(['parse', log, '--window', 'ten']).stderr, /--window must be n or n:step/);
  assert.match(recur(['parse', log, '--window', '0']).stderr, /window size must be a positive integer, got 0/);
  const json = recur(['parse', log, '--json']);
  const parsed = JSON.parse(json.stdout) as { detected: string; templates: Record<string, string>; lines: unknown[] };
  assert.equal(parsed.detected, 'HDFS');
  assert.equal(parsed.lines.length, 4);
  assert.equal(parsed.templates.E3, 'Received block <*> of size <*> from <*>');
});

test('recur parse: bad input gets a clear message', () => {
  const bin = join(dir, 'bin.log');
  writeFileSync(bin, Buffer.from([0x41, 0x00, 0x42]));
  const r = recur(['parse', bin]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /looks binary/);
  const f = recur(['parse', log, '--format', '<Date> <Time>']);
  assert.equal(f.status, 1);
  assert.match(f.stderr, /no <Content> field/);
  assert.match(recur(['parse', join(dir, 'missing.log')]).stderr, /no such file/);
});
