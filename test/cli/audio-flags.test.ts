import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { OptionError } from '../../src/errors.js';
import { audioSpecFrom, describeAugment, parseAugment } from '../../src/cli/train-audio.js';
import { DEFAULT_AUDIO_SPEC } from '../../src/tasks/audio-build.js';

test('--augment: none, names with default amounts, or name=amount; bad parts are named', () => {
  assert.deepEqual(parseAugment('none'), { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0 });
  assert.deepEqual(parseAugment('specaugment,warp'), { specAugment: true, timeShift: 0, noise: 0, stretch: 0, warp: 0.1 });
  assert.deepEqual(parseAugment('shift=6, noise=0.2,stretch=0.05'), { specAugment: false, timeShift: 6, noise: 0.2, stretch: 0.05, warp: 0 });
  assert.equal(describeAugment(parseAugment('specaugment,shift=6,warp=0.15')), 'specaugment,shift=6,warp=0.15');
  assert.throws(() => parseAugment('reverb'), (e: unknown) => e instanceof InvalidArgumentError && /'reverb' is not an augmentation/.test(e.message));
  assert.throws(() => parseAugment('warp=1.5'), (e: unknown) => e instanceof InvalidArgumentError && /'warp=1\.5': warp takes a fraction in \[0, 1\)/.test(e.message));
  assert.throws(() => parseAugment('shift=2.5'), (e: unknown) => e instanceof InvalidArgumentError && /shift takes a whole number of frames/.test(e.message));
  assert.throws(() => parseAugment('specaugment=2'), (e: unknown) => e instanceof InvalidArgumentError && /specaugment takes no amount/.test(e.message));
});

test('audio flags make the spec for --task audio, and are refused for other tasks', () => {
  assert.deepEqual(audioSpecFrom('audio', {}), DEFAULT_AUDIO_SPEC);
  const spec = audioSpecFrom('audio', { labelPattern: '^(\\d)_', mels: 20, recordingMean: false, sampleRate: 16000 })!;
  assert.deepEqual([spec.labelPattern, spec.nMels, spec.subtractRecordingMean, spec.targetRate, spec.groupPattern], ['^(\\d)_', 20, false, 16000, undefined]);
  assert.equal(audioSpecFrom('classify', {}), undefined);
  assert.throws(() => audioSpecFrom('classify', { mels: 20 }), (e: unknown) => e instanceof OptionError && e.message === '--mels is for --task audio only');
  assert.throws(() => audioSpecFrom('audio', { audioFeatures: 'mfcc', augment: parseAugment('warp') }), (e: unknown) => e instanceof OptionError && /warp bends the mel axis/.test(e.message));
  assert.throws(() => audioSpecFrom('audio', { sampleRate: 8000.5 }), (e: unknown) => e instanceof OptionError && /whole number of Hz/.test(e.message));
});

test('--augment vtlp, --pooling, --top-db, --recording-std: in the spec when given; vtlp and --top-db are for log-mel only', () => {
  assert.deepEqual(parseAugment('vtlp'), { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0, vtlp: 0.1 });
  assert.deepEqual(parseAugment('vtlp=0.15,shift=2'), { specAugment: false, timeShift: 2, noise: 0, stretch: 0, warp: 0, vtlp: 0.15 });
  assert.equal(describeAugment(parseAugment('specaugment,vtlp=0.12')), 'specaugment,vtlp=0.12');
  assert.throws(() => parseAugment('vtlp=1'), (e: unknown) => e instanceof InvalidArgumentError && /'vtlp=1': vtlp takes a fraction in \[0, 1\)/.test(e.message));
  const spec = audioSpecFrom('audio', { pooling: 'mean', topDb: 40, recordingStd: 0.5, augment: parseAugment('vtlp=0.1') })!;
  assert.deepEqual([spec.pooling, spec.topDb, spec.recordingStd, spec.augment.vtlp], ['mean', 40, 0.5, 0.1]);
  const off = audioSpecFrom('audio', { pooling: 'last', topDb: 0, recordingStd: 0 })!;
  assert.deepEqual([off.pooling, 'topDb' in off, 'recordingStd' in off], ['last', false, false], '0 turns a step off and leaves it out of the spec');
  assert.throws(() => audioSpecFrom('classify', { pooling: 'mean' }), (e: unknown) => e instanceof OptionError && e.message === '--pooling is for --task audio only');
  assert.throws(() => audioSpecFrom('audio', { audioFeatures: 'mfcc', augment: parseAugment('vtlp') }), (e: unknown) => e instanceof OptionError && /vtlp warps the mel filterbank/.test(e.message));
  assert.throws(() => audioSpecFrom('audio', { audioFeatures: 'mfcc', topDb: 40 }), (e: unknown) => e instanceof OptionError && /--top-db clamps log-mel bands/.test(e.message));
});
