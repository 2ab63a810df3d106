import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, IoError, OptionError } from '../../src/errors.js';
import { listWavFolder, readWavFolder } from '../../src/io/wav-folder.js';

const tmp = mkdtempSync(join(tmpdir(), 'recur-wavs-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const SOURCE = 'data/spoken_digits';

/** A folder holding copies of the named FSDD files (optionally under subfolders). */
function folder(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(join(SOURCE, from), join(dir, to));
  }
  return dir;
}

const flat = folder('flat', { '3_theo_1.wav': '3_theo_1.wav', '0_george_0.wav': '0_george_0.wav', '3_lucas_2.wav': '3_lucas_2.wav', 'notes/0_theo_4.wav': '0_theo_4.wav' });

test('flat files: labels and groups from the first capture groups on the file name, sorted by path, at any depth', () => {
  const entries = listWavFolder(flat, { labelPattern: '^(\\d)_', groupPattern: '^\\d_([a-z]+)_', testPattern: '_[0-1]\\.wav$' });
  assert.deepEqual(
    entries.map((e) => [e.name, e.label, e.group, e.test ?? false]),
    [
      ['0_george_0.wav', '0', 'george', true],
      ['3_lucas_2.wav', '3', 'lucas', false],
      ['3_theo_1.wav', '3', 'theo', true],
      [join('notes', '0_theo_4.wav'), '0', 'theo', false],
    ],
  );
  const clips = readWavFolder(flat, { labelPattern: '^(\\d)_' });
  assert.equal(clips.length, 4);
  assert.equal(String.fromCharCode(...clips[0]!.bytes.subarray(0, 4)), 'RIFF');
  assert.equal(clips[0]!.group, undefined);
});

test('folder per class (Keras convention): the first folder level is the label; nested folders keep it', () => {
  const dir = folder('classes', { 'yes/a.wav': '1_theo_0.wav', 'yes/more/b.WAV': '1_theo_1.wav', 'no/c.wav': '0_theo_0.wav' });
  writeFileSync(join(dir, 'yes', 'README.txt'), 'not audio');
  const entries = listWavFolder(dir);
  assert.deepEqual(entries.map((e) => [e.name, e.label]), [[join('no', 'c.wav'), 'no'], [join('yes', 'a.wav'), 'yes'], [join('yes', 'more', 'b.WAV'), 'yes']]);
});

test('errors name the file and the pattern, or say what the folder lacks', () => {
  const bad = folder('bad', { '3_theo_1.wav': '3_theo_1.wav', 'x_theo_1.wav': '3_theo_2.wav' });
  assert.throws(() => listWavFolder(bad, { labelPattern: '^(\\d)_' }), (e: unknown) => e instanceof FormatError && e.message === `${join(bad, 'x_theo_1.wav')}: the file name does not match --label-pattern '^(\\d)_' (or its first group captured nothing)`);
  assert.throws(() => listWavFolder(flat, { labelPattern: '^(\\d)_', groupPattern: '^\\d_(X+)_' }), (e: unknown) => e instanceof FormatError && /0_george_0\.wav: the file name does not match --group-pattern '\^\\d_\(X\+\)_'/.test(e.message));
  assert.throws(() => listWavFolder(flat), (e: unknown) => e instanceof FormatError && /0_george_0\.wav: is not in a class folder; put each class's files in .*<label>\/, or name the label with --label-pattern/.test(e.message));
  assert.throws(() => listWavFolder(flat, { labelPattern: '^\\d_' }), (e: unknown) => e instanceof OptionError && /--label-pattern '\^\\d_' has no capture group/.test(e.message));
  assert.throws(() => listWavFolder(flat, { labelPattern: '^(\\d' }), (e: unknown) => e instanceof OptionError && /--label-pattern '\^\(\\d' is not a valid regular expression/.test(e.message));
  const one = folder('one', { '3_theo_1.wav': '3_theo_1.wav', '3_theo_2.wav': '3_theo_2.wav' });
  assert.throws(() => listWavFolder(one, { labelPattern: '^(\\d)_' }), (e: unknown) => e instanceof FormatError && /every file has the label '3'; a classifier needs at least two labels/.test(e.message));
  assert.equal(listWavFolder(one, { labelPattern: '^(\\d)_', minLabels: 1 }).length, 2);
  const empty = join(tmp, 'empty');
  mkdirSync(empty);
  assert.throws(() => listWavFolder(empty), (e: unknown) => e instanceof FormatError && e.message === `${empty}: holds no .wav files`);
  assert.throws(() => listWavFolder(join(tmp, 'missing')), (e: unknown) => e instanceof IoError && /missing: no such folder/.test(e.message));
  assert.throws(() => listWavFolder(join(flat, '3_theo_1.wav')), (e: unknown) => e instanceof IoError && /is a file; --task audio reads a folder/.test(e.message));
});
