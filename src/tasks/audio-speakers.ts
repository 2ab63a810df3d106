import { FormatError } from '../errors.js';
import { normaliseBySpeaker, type Frames } from '../data/audio/index.js';
import { compilePattern } from './file-pattern.js';

/**
 * Per-speaker normalisation for the audio task (spec.audio.speakerNorm): which recordings are
 * one speaker's (the first capture group of the spec's pattern on the file name), and their
 * features normalised together (normaliseBySpeaker). Browser-safe: no file I/O.
 */

/** The speaker a file name gives (first capture group on its last path part), or null. */
export function speakerOf(name: string, re: RegExp): string | null {
  const base = name.split(/[\\/]/).pop() ?? name;
  const m = re.exec(base);
  return m && m[1] !== undefined && m[1] !== '' ? m[1] : null;
}

/**
 * Features of recordings normalised per speaker as `audio.speakerNorm` says, in the order
 * given; unchanged when it is absent. Recordings are one speaker's when the pattern gives the
 * same first group on their file names. A name it does not match: with `unmatched` 'error'
 * (training) a FormatError naming the file and the pattern; with 'together' (predict, eval)
 * those recordings form one group, "the recordings given". A single recording is normalised
 * by its own statistics, so several of one speaker give the model what it was trained on.
 *
 * @example
 * speakerNormalised([x0, x1, x2], ['3_theo_0.wav', '5_theo_1.wav', 'mine.wav'], { speakerNorm: '^\\d_([a-z]+)_' }, 'together');
 * // x0 and x1 with theo's statistics, x2 with its own
 */
export function speakerNormalised(
  features: readonly Frames[],
  names: readonly string[],
  audio: { readonly speakerNorm?: string },
  unmatched: 'error' | 'together',
): Frames[] {
  if (audio.speakerNorm === undefined) return [...features];
  return normaliseBySpeaker(features, speakersOf(names, audio.speakerNorm, unmatched));
}

/**
 * The speaker of each file name by `pattern` (first capture group), null for a name it does
 * not match; with `unmatched` 'error', such a name is a FormatError naming the file and the
 * pattern instead. A pattern that is not a string (a damaged checkpoint) is a FormatError.
 *
 * @example
 * speakersOf(['3_theo_0.wav', 'mine.wav'], '^\\d_([a-z]+)_', 'together'); // ['theo', null]
 */
export function speakersOf(names: readonly string[], pattern: string, unmatched: 'error' | 'together'): Array<string | null> {
  if (typeof pattern !== 'string') throw new FormatError(`spec.audio.speakerNorm must be a regular expression (a string), got ${JSON.stringify(pattern)}`);
  const re = compilePattern(pattern, '--speaker-norm', true);
  return names.map((name) => {
    const s = speakerOf(name, re);
    if (s === null && unmatched === 'error') {
      throw new FormatError(`${name}: the file name does not match --speaker-norm '${pattern}' (or its first group captured nothing); every training file must name its speaker`);
    }
    // null: the unmatched recordings, one group of their own (no captured name is null).
    return s;
  });
}
