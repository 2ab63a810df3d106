import { InvalidArgumentError, Option, type Command } from 'commander';
import { OptionError } from '../errors.js';
import { compilePattern } from '../tasks/file-pattern.js';
import { DEFAULT_AUDIO_SPEC } from '../tasks/audio-build.js';
import type { AudioAugment } from '../tasks/audio-batch.js';
import type { AudioSpec } from '../tasks/audio.js';
import { VAL_BY, type ValBy } from '../tasks/audio-split.js';
import { parseNumberIn, parsePositiveInt } from './parse.js';

/** `recur train --task audio`'s own flags, as parsed by commander. */
export interface AudioFlags {
  labelPattern?: string;
  groupPattern?: string;
  testPattern?: string;
  audioFeatures?: 'logmel' | 'mfcc';
  mels?: number;
  sampleRate?: number;
  rmsLevel?: number;
  logOffset?: number;
  recordingMean?: boolean;
  pooling?: 'last' | 'mean';
  recordingStd?: number;
  topDb?: number;
  /** --speaker-norm: a pattern, or true when given without one (then --group-pattern's). */
  speakerNorm?: string | true;
  valBy?: ValBy;
  augment?: AudioAugment;
}

/** Each augmentation's amount when named without one in --augment. */
const AUGMENT_DEFAULTS = { specaugment: 1, shift: 4, noise: 0.05, stretch: 0.1, warp: 0.1, vtlp: 0.1, floor: 10, speed: 0.1 } as const;

/**
 * Parses --augment: 'none', or a comma-separated list of specaugment, shift[=frames],
 * noise[=std], stretch[=fraction], warp[=fraction], vtlp[=fraction], e.g. 'specaugment,vtlp=0.15'.
 */
export function parseAugment(value: string): AudioAugment {
  const a: AudioAugment = { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0 };
  if (value.trim() === 'none') return a;
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, amount] = part.split('=') as [string, string | undefined];
    if (!(name in AUGMENT_DEFAULTS)) throw new InvalidArgumentError(`'${name}' is not an augmentation; use none or a list of specaugment, shift[=frames], noise[=std], stretch[=fraction], warp[=fraction], vtlp[=fraction], floor[=dB], speed[=fraction]`);
    const key = name as keyof typeof AUGMENT_DEFAULTS;
    const n = amount === undefined ? AUGMENT_DEFAULTS[key] : Number(amount);
    const ok = key === 'shift' ? Number.isInteger(n) && n >= 0 && n <= 1000 : key === 'specaugment' ? amount === undefined : key === 'floor' ? n >= 0 && n <= 100 : n >= 0 && (key === 'noise' ? n <= 10 : key === 'speed' ? n < 0.5 : n < 1);
    if (!ok) throw new InvalidArgumentError(`'${part}': ${key === 'specaugment' ? 'specaugment takes no amount' : key === 'shift' ? 'shift takes a whole number of frames' : key === 'noise' ? 'noise takes a std in [0, 10]' : key === 'floor' ? 'floor takes a signal-to-noise ratio in [0, 100] dB' : key === 'speed' ? 'speed takes a fraction in [0, 0.5)' : `${key} takes a fraction in [0, 1)`}`);
    if (key === 'specaugment') a.specAugment = true;
    else if (key === 'shift') a.timeShift = n;
    else if (key === 'floor') a.noiseFloor = n;
    else a[key] = n;
  }
  return a;
}

/** Adds the audio flags to `recur train`. */
export function addAudioOptions(cmd: Command): Command {
  const d = DEFAULT_AUDIO_SPEC;
  return cmd
    .option('--label-pattern <regex>', "audio: the label is the first capture group of this pattern on each file name, e.g. '^(\\d)_' (default: the first folder level under DIR)")
    .option('--group-pattern <regex>', "audio: the speaker or source of each file (first capture group), e.g. '^\\d_([a-z]+)_': the test part then holds out whole groups, and validation as --val-by says")
    .addOption(new Option('--val-by <how>', `audio, with groups: the validation part is whole groups (voices never trained on, which early stopping and the best epoch are then judged on) or files (a share of the training voices' recordings, so every voice left is trained on); auto: groups unless fewer than 4 groups would be left to train on, or the test part shares voices with training (default ${d.valBy})`).choices([...VAL_BY]))
    .option('--test-pattern <regex>', "audio: files whose name matches form the test part (e.g. an official split, or '_theo_' for one speaker)")
    .addOption(new Option('--audio-features <kind>', `audio: log-mel bands or MFCCs (default ${d.features})`).choices(['logmel', 'mfcc']))
    .option('--mels <n>', `audio: mel bands (default ${d.nMels})`, parsePositiveInt)
    .option('--sample-rate <hz>', `audio: rate every recording is resampled to (default ${d.targetRate})`, parseNumberIn(1000, 192000))
    .option('--rms-level <x>', `audio: RMS level every recording is scaled to, 0 = as recorded (default ${d.rmsLevel})`, parseNumberIn(0, 1))
    .option('--log-offset <x>', `audio: added to the mel power before the log, a noise floor common to every recording (default ${d.logOffset})`, parseNumberIn(1e-12, 1e6))
    .option('--recording-mean', `audio: subtract each band's mean over the recording (default ${d.subtractRecordingMean ? 'on' : 'off'})`)
    .option('--no-recording-mean', 'audio: keep each band\'s level')
    .option('--top-db <db>', `audio: raise every log-mel value to at least the recording's peak minus this many dB (0 = off; default ${d.topDb ?? 0})`, parseNumberIn(0, 200))
    .option('--recording-std <floor>', `audio: divide each band by its std over the recording, floored at this value (0 = off; default ${d.recordingStd ?? 0})`, parseNumberIn(0, 100))
    .option('--speaker-norm [regex]', "audio: standardise each band with its mean and std over all recordings of the same speaker (first capture group of REGEX on the file name; default: --group-pattern's), within each part, after the per-recording steps; the speaker's mean then replaces the recording's (--recording-mean off unless given). Predict and eval group the recordings given by the same pattern, so several recordings of one speaker give better results than one alone. Not with --augment vtlp or floor")
    .addOption(new Option('--pooling <kind>', `audio: what the classifier reads: last (the final states) or mean (the top layer's outputs averaged over the frames) (default ${d.pooling ?? 'last'})`).choices(['last', 'mean']))
    .option('--augment <list>', `audio: training augmentation: none, or specaugment, shift[=frames], noise[=std], stretch[=fraction], warp[=fraction] (normalised bands interpolated), vtlp[=fraction] (the mel filterbank warped per clip, Jaitly & Hinton's VTLP), floor[=dB] (white noise at a signal-to-noise ratio drawn in [dB, dB + 30]), speed[=fraction] (each clip played at 1 - fraction, 1 or 1 + fraction times its speed, Ko et al.'s speed perturbation) (default ${describeAugment(d.augment)})`, parseAugment);
}

/** The --augment value that gives `a`. */
export function describeAugment(a: AudioAugment): string {
  const parts = [
    ...(a.specAugment ? ['specaugment'] : []),
    ...(a.timeShift ? [`shift=${a.timeShift}`] : []),
    ...(a.noise ? [`noise=${a.noise}`] : []),
    ...(a.stretch ? [`stretch=${a.stretch}`] : []),
    ...(a.warp ? [`warp=${a.warp}`] : []),
    ...(a.vtlp ? [`vtlp=${a.vtlp}`] : []),
    ...(a.noiseFloor ? [`floor=${a.noiseFloor}`] : []),
    ...(a.speed ? [`speed=${a.speed}`] : []),
  ];
  return parts.length ? parts.join(',') : 'none';
}

const AUDIO_FLAGS: ReadonlyArray<[keyof AudioFlags, string]> = [
  ['labelPattern', '--label-pattern'], ['groupPattern', '--group-pattern'], ['testPattern', '--test-pattern'], ['audioFeatures', '--audio-features'],
  ['mels', '--mels'], ['sampleRate', '--sample-rate'], ['rmsLevel', '--rms-level'], ['logOffset', '--log-offset'], ['recordingMean', '--recording-mean'], ['pooling', '--pooling'], ['recordingStd', '--recording-std'], ['topDb', '--top-db'], ['speakerNorm', '--speaker-norm'], ['valBy', '--val-by'], ['augment', '--augment'],
];

/** The audio spec the flags make for --task audio; for another task, an error naming an audio flag given. */
export function audioSpecFrom(task: string, flags: AudioFlags): AudioSpec | undefined {
  if (task !== 'audio') {
    const given = AUDIO_FLAGS.find(([k]) => flags[k] !== undefined);
    if (given) throw new OptionError(`${given[1]} is for --task audio only`);
    return undefined;
  }
  const d = DEFAULT_AUDIO_SPEC;
  if (flags.sampleRate !== undefined && !Number.isInteger(flags.sampleRate)) throw new OptionError(`--sample-rate must be a whole number of Hz, got ${flags.sampleRate}`);
  const features = flags.audioFeatures ?? d.features;
  const augment = flags.augment ?? d.augment;
  if (features === 'mfcc' && augment.warp > 0) throw new OptionError('--augment warp bends the mel axis and applies to --audio-features logmel only');
  if (features === 'mfcc' && (flags.topDb ?? d.topDb)) throw new OptionError('--top-db clamps log-mel bands and applies to --audio-features logmel only');
  if (features === 'mfcc' && (augment.noiseFloor ?? 0) > 0) throw new OptionError('--augment floor adds noise to the power spectrogram and applies to --audio-features logmel only');
  if ((augment.speed ?? 0) > 0 && ((augment.vtlp ?? 0) > 0 || (augment.noiseFloor ?? 0) > 0)) throw new OptionError('--augment speed cannot be combined with vtlp or floor; use one of them');
  if (features === 'mfcc' && (augment.vtlp ?? 0) > 0) throw new OptionError('--augment vtlp warps the mel filterbank and applies to --audio-features logmel only');
  const speakerNorm = speakerNormFrom(flags);
  if (speakerNorm !== undefined && ((augment.vtlp ?? 0) > 0 || (augment.noiseFloor ?? 0) > 0)) {
    throw new OptionError('--speaker-norm cannot be combined with --augment vtlp or floor (both rebuild each clip\'s features on its own); use one of them');
  }
  return {
    ...(flags.labelPattern !== undefined ? { labelPattern: flags.labelPattern } : {}),
    ...(flags.groupPattern !== undefined ? { groupPattern: flags.groupPattern } : {}),
    ...(flags.testPattern !== undefined ? { testPattern: flags.testPattern } : {}),
    features,
    nMels: flags.mels ?? d.nMels,
    nMfcc: d.nMfcc,
    targetRate: flags.sampleRate ?? d.targetRate,
    rmsLevel: flags.rmsLevel ?? d.rmsLevel,
    logOffset: flags.logOffset ?? d.logOffset,
    // The speaker's mean replaces the recording's (which also removes what the word adds to a band).
    subtractRecordingMean: flags.recordingMean ?? (speakerNorm !== undefined ? false : d.subtractRecordingMean),
    removeDc: d.removeDc,
    ...((flags.topDb ?? d.topDb) ? { topDb: flags.topDb ?? d.topDb } : {}),
    ...((flags.recordingStd ?? d.recordingStd) ? { recordingStd: flags.recordingStd ?? d.recordingStd } : {}),
    ...((flags.pooling ?? d.pooling) !== undefined ? { pooling: flags.pooling ?? d.pooling } : {}),
    ...(speakerNorm !== undefined ? { speakerNorm } : {}),
    ...((flags.valBy ?? d.valBy) !== undefined ? { valBy: flags.valBy ?? d.valBy } : {}),
    augment,
  };
}

/** The pattern --speaker-norm names (given, or --group-pattern's when given bare), checked; undefined when off. */
function speakerNormFrom(flags: AudioFlags): string | undefined {
  if (flags.speakerNorm === undefined) return undefined;
  const pattern = flags.speakerNorm === true ? flags.groupPattern : flags.speakerNorm;
  if (pattern === undefined) throw new OptionError("--speaker-norm needs a pattern naming each file's speaker: give --speaker-norm REGEX or --group-pattern REGEX");
  compilePattern(pattern, '--speaker-norm', true);
  return pattern;
}
