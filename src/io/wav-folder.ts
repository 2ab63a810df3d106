import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { FormatError, IoError } from '../errors.js';
import type { AudioClip } from '../tasks/audio.js';
import { compilePattern } from '../tasks/file-pattern.js';

/**
 * A folder of recordings for `recur train DIR --task audio`: every *.wav under DIR (any
 * depth, sorted by path), labelled by its first folder level (DIR/<label>/..., Keras'
 * audio_dataset_from_directory convention) or by the first capture group of a pattern on the
 * file name; grouped (speaker, source) by another pattern.
 */

export interface WavFolderOptions {
  /** Label = first capture group of this regular expression on the file name (e.g. '^(\\d)_'). */
  labelPattern?: string;
  /** Group = first capture group on the file name (e.g. '^\\d_([a-z]+)_'). */
  groupPattern?: string;
  /** Files whose name matches are marked `test`. */
  testPattern?: string;
  /** Fewer distinct labels than this is an error. Default 2 (training); 1 for scoring a folder. */
  minLabels?: number;
}

/** One recording found: its path, its name relative to the folder, label, group. */
export interface WavEntry {
  path: string;
  name: string;
  label: string;
  group?: string;
  test?: boolean;
}

/** All *.wav paths under `dir`, relative, sorted. */
function listWavs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.wav$/i.test(e.name)) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Lists and labels the recordings in a folder, without reading them. Errors name the problem:
 * no such folder, no WAV files, a file at the top level without --label-pattern, a file name
 * a pattern does not match (naming the file and the pattern), fewer than two labels.
 *
 * @example
 * listWavFolder('data/spoken_digits', { labelPattern: '^(\\d)_', groupPattern: '^\\d_([a-z]+)_' });
 * // [{ path: 'data/spoken_digits/0_george_0.wav', name: '0_george_0.wav', label: '0', group: 'george' }, ...]
 */
export function listWavFolder(dir: string, options: WavFolderOptions = {}): WavEntry[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new IoError(`${dir}: no such folder; --task audio reads a folder of WAV files`);
  }
  if (!isDir) throw new IoError(`${dir}: is a file; --task audio reads a folder of WAV files (one subfolder per class, or flat with --label-pattern)`);
  const names = listWavs(dir);
  if (names.length === 0) throw new FormatError(`${dir}: holds no .wav files`);
  const label = options.labelPattern !== undefined ? compilePattern(options.labelPattern, '--label-pattern', true) : null;
  const group = options.groupPattern !== undefined ? compilePattern(options.groupPattern, '--group-pattern', true) : null;
  const test = options.testPattern !== undefined ? compilePattern(options.testPattern, '--test-pattern', false) : null;
  const captured = (re: RegExp, flag: string, name: string): string => {
    const m = re.exec(basename(name));
    if (!m || m[1] === undefined || m[1] === '') {
      throw new FormatError(`${join(dir, name)}: the file name does not match ${flag} '${re.source}' (or its first group captured nothing)`);
    }
    return m[1];
  };
  const entries = names.map((name): WavEntry => {
    const parts = name.split(sep);
    if (!label && parts.length < 2) {
      throw new FormatError(`${join(dir, name)}: is not in a class folder; put each class's files in ${join(dir, '<label>')}/, or name the label with --label-pattern`);
    }
    return {
      path: join(dir, name),
      name,
      label: label ? captured(label, '--label-pattern', name) : parts[0]!,
      ...(group ? { group: captured(group, '--group-pattern', name) } : {}),
      ...(test && test.test(basename(name)) ? { test: true } : {}),
    };
  });
  const labels = new Set(entries.map((e) => e.label));
  if (labels.size < (options.minLabels ?? 2)) throw new FormatError(`${dir}: every file has the label '${[...labels][0]}'; a classifier needs at least two labels`);
  return entries;
}

/** Reads the listed recordings' bytes (an IoError names a file that cannot be read). */
export function readWavEntries(entries: readonly WavEntry[]): AudioClip[] {
  return entries.map((e) => {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(e.path);
    } catch (err) {
      throw new IoError(`${e.path}: cannot be read (${(err as Error).message})`);
    }
    return { name: e.name, label: e.label, ...(e.group !== undefined ? { group: e.group } : {}), ...(e.test ? { test: true } : {}), bytes };
  });
}

/** The folder's recordings, labelled and read: listWavFolder then readWavEntries. */
export function readWavFolder(dir: string, options: WavFolderOptions = {}): AudioClip[] {
  return readWavEntries(listWavFolder(dir, options));
}
