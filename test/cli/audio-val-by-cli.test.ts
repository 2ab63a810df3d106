import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recur } from '../helpers/cli.js';

// Three speakers of data/spoken_digits (CC BY-SA 4.0, attribution in its README), digits 0-1,
// recordings 0-2: 18 files, so one speaker is the test part and two are left.
const tmp = mkdtempSync(join(tmpdir(), 'recur-val-by-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const data = join(tmp, 'digits');
mkdirSync(data);
for (const s of ['george', 'lucas', 'theo']) for (const d of [0, 1]) for (let i = 0; i < 3; i++) copyFileSync(`data/spoken_digits/${d}_${s}_${i}.wav`, join(data, `${d}_${s}_${i}.wav`));
const args = ['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--group-pattern', '^\\d_([a-z]+)_', '--hidden', '4', '--layers', '1', '--epochs', '1'];
const savedSplit = (out: string) => (JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { spec: { audio: { valBy?: string } } }).spec.audio.valBy;
const partsLine = (stderr: string) => stderr.split('\n').find((l) => l.startsWith('recur: training')) ?? stderr;

test('recur train --val-by: auto trains on every voice left when few are, groups holds one out for validation; saved, shown, and checked on resume', () => {
  // Two voices left after the test one: auto validates on their files and trains on both.
  const auto = join(tmp, 'auto');
  const a = recur([...args, '--out', auto]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(savedSplit(auto), 'auto');
  assert.match(partsLine(a.stderr), /^recur: training 11 recordings of 2 groups, validation 1 from 1 of those groups, test 6 of 1 group \([a-z]+\), not trained on$/);

  const groups = join(tmp, 'groups');
  const g = recur([...args, '--val-by', 'groups', '--out', groups]);
  assert.equal(g.status, 0, g.stderr);
  assert.equal(savedSplit(groups), 'groups');
  assert.match(partsLine(g.stderr), /^recur: training 6 recordings of 1 group, validation 6 of 1 group \([a-z]+\), not trained on, test 6 of 1 group \([a-z]+\), not trained on$/);

  // An official-style split (recording 0 of every voice as test): every voice is trained on.
  const official = join(tmp, 'official');
  const o = recur([...args, '--test-pattern', '_0\\.wav$', '--out', official]);
  assert.equal(o.status, 0, o.stderr);
  assert.match(partsLine(o.stderr), /^recur: training 11 recordings of 3 groups, validation 1 from 1 of those groups, test 6 of the same groups$/);

  const bad = recur([...args, '--val-by', 'speakers', '--out', join(tmp, 'bad')]);
  assert.equal(bad.status, 1, 'a usage error, as commander reports it');
  assert.match(bad.stderr, /--val-by <how>' argument 'speakers' is invalid\. Allowed choices are auto, groups, files/);
  const resumed = recur([...args, '--val-by', 'files', '--resume', '--out', groups]);
  assert.notEqual(resumed.status, 0);
  assert.match(resumed.stderr, /--val-by \("files"; the checkpoint has "groups"\) would change them/);
});

test('recur train --resume: a checkpoint from before --val-by keeps the split it was made with (whole groups from 4 groups in all)', () => {
  const four = join(tmp, 'four');
  mkdirSync(four);
  for (const s of ['george', 'jackson', 'lucas', 'theo']) for (const d of [0, 1]) for (let i = 0; i < 3; i++) copyFileSync(`data/spoken_digits/${d}_${s}_${i}.wav`, join(four, `${d}_${s}_${i}.wav`));
  const fourArgs = ['train', four, ...args.slice(2)];
  const out = join(tmp, 'old');
  const first = recur([...fourArgs, '--out', out]);
  assert.equal(first.status, 0, first.stderr);
  // Four voices, one for test: auto trains on the other three and validates on their files.
  assert.match(partsLine(first.stderr), /^recur: training 16 recordings of 3 groups, validation 2 from [12] of those groups, test 6 of 1 group \([a-z]+\), not trained on$/);
  // The same checkpoint as an older recur wrote it: no valBy.
  const configPath = join(out, 'config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { spec: { audio: Record<string, unknown> } };
  delete config.spec.audio.valBy;
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const resumed = recur([...fourArgs, '--resume', '--epochs', '2', '--out', out]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(partsLine(resumed.stderr), /^recur: training 12 recordings of 2 groups, validation 6 of 1 group \([a-z]+\), not trained on, test 6 of 1 group \([a-z]+\), not trained on$/);
});
