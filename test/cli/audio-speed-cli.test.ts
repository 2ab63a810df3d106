import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recur } from '../helpers/cli.js';
import type { AudioSpec } from '../../src/tasks/audio.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-audio-speed-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const lines = (s: string) => s.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

/** 2 speakers x digits 0-2 x recordings 0-4, flat. */
const data = join(tmp, 'digits');
mkdirSync(data);
for (const d of [0, 1, 2]) for (let i = 0; i < 5; i++) for (const s of ['george', 'theo']) copyFileSync(`data/spoken_digits/${d}_${s}_${i}.wav`, join(data, `${d}_${s}_${i}.wav`));

test('audio: --augment speed=0.15 is saved in spec.audio.augment; eval of the checkpoint reproduces the trained report; with vtlp, a clear error', () => {
  const out = join(tmp, 'run');
  const args = ['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--test-pattern', '_theo_[0-1]\\.wav$', '--hidden', '6', '--layers', '1', '--augment', 'speed=0.15'];
  const r = recur([...args, '--epochs', '2', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const done = lines(r.stdout).find((e) => e.event === 'done')!;
  const audio = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).spec.audio as AudioSpec;
  assert.equal(audio.augment.speed, 0.15);
  // Speed perturbation is training only: the reloaded model reads recordings as recorded and scores as trained.
  const e = recur(['eval', out, '--json']);
  assert.equal(e.status, 0, e.stderr);
  assert.equal((JSON.parse(e.stdout) as Record<string, number>).accuracy, done.accuracy);

  const bad = recur(['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--augment', 'speed,vtlp', '--epochs', '1', '--out', join(tmp, 'bad')]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--augment speed cannot be combined with vtlp or floor/);
});
