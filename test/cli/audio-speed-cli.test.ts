import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, recur } from '../helpers/cli.js';
import { tinyDigits } from '../helpers/audio-digits.js';
import type { AudioSpec } from '../../src/tasks/audio.js';

const { tmp, data } = tinyDigits('recur-audio-speed-');

test('audio: --augment speed=0.15 is saved in spec.audio.augment; eval of the checkpoint reproduces the trained report; with vtlp, a clear error', () => {
  const out = join(tmp, 'run');
  const args = ['train', data, '--task', 'audio', '--label-pattern', '^(\\d)_', '--test-pattern', '_theo_[0-1]\\.wav$', '--hidden', '6', '--layers', '1', '--augment', 'speed=0.15'];
  const r = recur([...args, '--epochs', '2', '--out', out, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const done = jsonLines(r.stdout).find((e) => e.event === 'done')!;
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
