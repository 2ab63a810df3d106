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
