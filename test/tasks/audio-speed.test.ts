import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../src/errors.js';
import { readWavFolder } from '../../src/io/wav-folder.js';
import { AudioTask, clipFeatures, type AudioClip, type AudioTaskOptions } from '../../src/tasks/audio.js';
import { DEFAULT_AUDIO_SPEC } from '../../src/tasks/audio-build.js';
import { parseAugment, describeAugment } from '../../src/cli/train-audio.js';

/** 3 speakers x digits 0-2 x recordings 0-3 of the Free Spoken Digit Dataset (36 clips). */
const clips: AudioClip[] = readWavFolder('data/spoken_digits', { labelPattern: '^(\\d)_', groupPattern: '^\\d_([a-z]+)_' }).filter(
  (c) => /^[0-2]_(george|lucas|theo)_[0-3]\.wav$/.test(c.name),
);

const options = (speed: number, vtlp = 0): AudioTaskOptions => ({
  model: { cell: 'gru', hiddenSize: 8, numLayers: 1, dropout: 0, bidirectional: true },
  audio: { ...DEFAULT_AUDIO_SPEC, augment: { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0, vtlp, speed } },
  batchSize: 4,
  testFraction: 0.2,
  valFraction: 0.1,
  seed: 3,
});

test('speed perturbation: every training clip is one recording\'s features at speed 0.9, 1 or 1.1, all three drawn, seeded', () => {
  const task = new AudioTask(clips, options(0.1));
  const byName = new Map(clips.map((c) => [c.name, c]));
  // The normalised features of every training recording at each speed, computed from scratch.
  const candidates = task.parts.train.flatMap((name) =>
    [0.9, 1, 1.1].map((speed) => ({ speed, x: task.normaliser.apply(clipFeatures(byName.get(name)!.bytes, DEFAULT_AUDIO_SPEC, name, speed)) })),
  );
  const seen = new Set<number>();
  for (let b = 0; b < task.batchesPerEpoch(); b++) {
    for (const clip of task.batchClips(0, b).clips) {
      const match = candidates.find((c) => c.x.frames === clip.frames && c.x.data.every((v, i) => v === clip.data[i]));
      assert.ok(match, `batch ${b}: a clip that is no training recording at any of the three speeds`);
      seen.add(match.speed);
    }
  }
  assert.deepEqual([...seen].sort(), [0.9, 1, 1.1]);
  // A recording played 1.1x faster has about 1/1.1 of the frames.
  const name = task.parts.train[0]!;
  const slow = clipFeatures(byName.get(name)!.bytes, DEFAULT_AUDIO_SPEC, name, 0.9).frames;
  const fast = clipFeatures(byName.get(name)!.bytes, DEFAULT_AUDIO_SPEC, name, 1.1).frames;
  assert.ok(Math.abs(slow / fast - 1.1 / 0.9) < 0.1, `frames at 0.9: ${slow}, at 1.1: ${fast}`);
  // Seeded: another task with the same seed draws the same clips.
  const again = new AudioTask(clips, options(0.1)).batchClips(0, 1).clips;
  assert.deepEqual(again.map((c) => [...c.data]), task.batchClips(0, 1).clips.map((c) => [...c.data]));
});

test('speed perturbation: off (0) leaves the batches as they were; with vtlp, or out of range, an OptionError', () => {
  const plain = new AudioTask(clips, options(0)).batchClips(1, 0).clips;
  const before = new AudioTask(clips, { ...options(0), audio: { ...options(0).audio, augment: { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0 } } }).batchClips(1, 0).clips;
  assert.deepEqual(plain.map((c) => [...c.data]), before.map((c) => [...c.data]));
  assert.throws(() => new AudioTask(clips, options(0.1, 0.1)), (e: unknown) => e instanceof OptionError && /cannot be combined with vtlp/.test(e.message));
  assert.throws(() => new AudioTask(clips, options(0.6)), (e: unknown) => e instanceof OptionError && /speed must be in \[0, 0.5\)/.test(e.message));
});

test('--augment speed: parsed with its default 0.1 or an amount, and written back the same way', () => {
  assert.equal(parseAugment('speed').speed, 0.1);
  assert.equal(parseAugment('specaugment,speed=0.15').speed, 0.15);
  assert.equal(describeAugment(parseAugment('speed=0.15')), 'speed=0.15');
  assert.throws(() => parseAugment('speed=0.5'), /speed takes a fraction in \[0, 0.5\)/);
});
