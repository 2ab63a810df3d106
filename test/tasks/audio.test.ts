import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../src/errors.js';
import { FeatureNormaliser } from '../../src/data/audio/index.js';
import { readWavFolder } from '../../src/io/wav-folder.js';
import { AudioTask, clipFeatures, type AudioClip, type AudioTaskOptions } from '../../src/tasks/audio.js';
import { augmentClip, batchRng, bucketBatches } from '../../src/tasks/audio-batch.js';
import { splitRecordings } from '../../src/tasks/audio-split.js';
import { DEFAULT_AUDIO_SPEC } from '../../src/tasks/audio-build.js';

/** 3 speakers x digits 0-2 x recordings 0-3 of the Free Spoken Digit Dataset (36 clips). */
const clips: AudioClip[] = readWavFolder('data/spoken_digits', { labelPattern: '^(\\d)_', groupPattern: '^\\d_([a-z]+)_' }).filter(
  (c) => /^[0-2]_(george|lucas|theo)_[0-3]\.wav$/.test(c.name),
);

const options = (over: Partial<AudioTaskOptions> = {}): AudioTaskOptions => ({
  model: { cell: 'gru', hiddenSize: 8, numLayers: 1, dropout: 0, bidirectional: true },
  audio: { ...DEFAULT_AUDIO_SPEC, augment: { specAugment: true, timeShift: 3, noise: 0.1, stretch: 0.1, warp: 0.1 } },
  batchSize: 4,
  testFraction: 0.2,
  valFraction: 0.1,
  seed: 3,
  ...over,
});

test('splitRecordings: with groups, test and validation hold whole groups, no group in two parts; reproducible from the seed', () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ group: `s${i % 5}` }));
  const groupsOf = (idx: number[]) => new Set(idx.map((i) => items[i]!.group));
  for (const seed of [0, 1, 2, 3]) {
    const { train, val, test: held } = splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed });
    assert.equal(train.length + val.length + held.length, 50);
    assert.deepEqual([...train, ...val, ...held].sort((a, b) => a - b), items.map((_, i) => i));
    // 5 groups: 1 for test, then 1 of the remaining 4 for validation, 3 for training.
    assert.deepEqual([groupsOf(held).size, groupsOf(val).size, groupsOf(train).size], [1, 1, 3]);
    for (const g of groupsOf(held)) assert.ok(!groupsOf(train).has(g) && !groupsOf(val).has(g));
    for (const g of groupsOf(val)) assert.ok(!groupsOf(train).has(g));
    assert.deepEqual(splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed }), { train, val, test: held });
  }
  const tests = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => [...groupsOf(splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed }).test)][0]));
  assert.ok(tests.size > 1, 'the held-out group depends on the seed');
  // 3 groups: the test part is still a whole group; validation is a random part of the others' files.
  const three = items.filter((x) => x.group < 's3');
  const s = splitRecordings(three, { testFraction: 0.3, valFraction: 0.2, seed: 0 });
  const g3 = (idx: number[]) => new Set(idx.map((i) => three[i]!.group));
  assert.equal(g3(s.test).size, 1);
  for (const g of g3(s.test)) assert.ok(!g3(s.train).has(g) && !g3(s.val).has(g));
  assert.equal(s.val.length, Math.round(20 * 0.2));
  // A test pattern decides the test part; nothing matching it is an error.
  const marked = items.map((x, i) => ({ ...x, test: i % 10 === 0 }));
  assert.deepEqual(splitRecordings(marked, { testFraction: 0.2, valFraction: 0.1, seed: 0, byPattern: true }).test, [0, 10, 20, 30, 40]);
  assert.throws(() => splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed: 0, byPattern: true }), (e: unknown) => e instanceof FormatError && /no file matches the test pattern/.test(e.message));
  assert.throws(() => splitRecordings(items.slice(0, 2), { testFraction: 0.5, valFraction: 0.5, seed: 0 }), (e: unknown) => e instanceof FormatError && /too few/.test(e.message));
});

test('splitRecordings valBy: auto trains on every voice left when few remain; groups and files as asked; an official split validates on files', () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ group: `s${i % 5}` }));
  const groupsOf = (idx: number[]) => new Set(idx.map((i) => items[i]!.group));
  const sizes = (s: { train: number[]; val: number[]; test: number[] }) => [groupsOf(s.test).size, groupsOf(s.val).size, groupsOf(s.train).size];
  for (const seed of [0, 1, 2]) {
    // 5 voices, 1 for test: auto keeps all 4 others in training, validation is 10% of their files.
    const auto = splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed, valBy: 'auto' });
    assert.deepEqual([groupsOf(auto.test).size, groupsOf(auto.train).size], [1, 4]);
    assert.equal(auto.val.length, Math.round(40 * 0.1));
    for (const g of groupsOf(auto.val)) assert.ok(groupsOf(auto.train).has(g), 'validation files come from voices trained on');
    for (const g of groupsOf(auto.test)) assert.ok(!groupsOf(auto.train).has(g) && !groupsOf(auto.val).has(g));
    assert.deepEqual(splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed, valBy: 'files' }), auto);
    // Asked for, whole groups; absent (older checkpoints), the old rule: whole groups from 4 groups in all.
    const groups = splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed, valBy: 'groups' });
    assert.deepEqual(sizes(groups), [1, 1, 3]);
    assert.deepEqual(splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed }), groups);
  }
  // 7 voices, 1 for test: 6 left, 1 validation voice still leaves 5 to train on, so auto holds a whole voice.
  const seven = Array.from({ length: 70 }, (_, i) => ({ group: `s${i % 7}` }));
  const g7 = (idx: number[]) => new Set(idx.map((i) => seven[i]!.group));
  const s7 = splitRecordings(seven, { testFraction: 0.15, valFraction: 0.1, seed: 0, valBy: 'auto' });
  assert.deepEqual([g7(s7.test).size, g7(s7.val).size, g7(s7.train).size], [1, 1, 5]);
  for (const g of g7(s7.val)) assert.ok(!g7(s7.train).has(g));
  // An official split (every voice in the test part and in training): validation on files, all 5 voices trained on.
  const official = items.map((x, i) => ({ ...x, test: i < 10 }));
  const so = splitRecordings(official, { testFraction: 0.2, valFraction: 0.1, seed: 0, byPattern: true, valBy: 'auto' });
  assert.deepEqual(so.test, Array.from({ length: 10 }, (_, i) => i));
  assert.equal(groupsOf(so.train).size, 5);
  assert.equal(so.val.length, 4);
  assert.throws(() => splitRecordings(items, { testFraction: 0.2, valFraction: 0.1, seed: 0, valBy: 'speakers' as 'auto' }), (e: unknown) => e instanceof FormatError && /valBy must be one of auto, groups, files, got "speakers"/.test(e.message));
});

test('AudioTask: a held-out speaker; the normaliser is fitted on the training recordings only and restored from the saved encoding', () => {
  const task = new AudioTask(clips, options());
  const speaker = (n: string) => n.split('_')[1];
  const [testSpeaker] = new Set(task.parts.test.map(speaker));
  assert.deepEqual(new Set(task.parts.test.map(speaker)).size, 1);
  assert.ok(!task.parts.train.some((n) => speaker(n) === testSpeaker) && !task.parts.val.some((n) => speaker(n) === testSpeaker));
  const byName = new Map(clips.map((c) => [c.name, c]));
  const features = (names: string[]) => names.map((n) => clipFeatures(byName.get(n)!.bytes, task.options.audio, n));
  const fitted = FeatureNormaliser.fit(features(task.parts.train));
  assert.deepEqual([...task.normaliser.mean], [...fitted.mean]);
  assert.deepEqual([...task.normaliser.std], [...fitted.std]);
  const everything = FeatureNormaliser.fit(features([...task.parts.train, ...task.parts.val, ...task.parts.test]));
  assert.ok(Math.max(...task.normaliser.std.map((m, b) => Math.abs(m - everything.std[b]!))) > 1e-3, 'fitting on all recordings would differ');
  assert.equal(task.normaliser.frames, fitted.frames);
  // Rebuilt from the checkpoint's encoding (JSON round trip) on other recordings: the same statistics.
  const saved = JSON.parse(JSON.stringify(task.describe())) as { encoding: typeof task.encoding };
  const other = new AudioTask(clips.filter((c) => !c.name.startsWith('2_')), options({ seed: 9 }), saved.encoding);
  assert.deepEqual([...other.normaliser.mean], [...task.normaliser.mean]);
  assert.deepEqual(other.encoding.labels, ['0', '1', '2']);
  assert.deepEqual(task.encoding.trainCounts.reduce((a, b) => a + b, 0), task.parts.train.length);
  const report = task.evaluate();
  assert.equal(report.test_records, 12);
  assert.equal((report.confusion as number[][]).flat().reduce((a, b) => a + b, 0), 12);
  assert.ok(Math.abs((report.majority_accuracy as number) - 1 / 3) < 1e-12, 'each digit is a third of the held-out speaker');
});

test('training batches: bucketed by length, every clip once per epoch; augmentation fixed by (seed, epoch, batch) so a resumed run sees the same batches', () => {
  const lengths = Array.from({ length: 70 }, (_, i) => 20 + ((i * 37) % 90));
  const batches = bucketBatches(lengths, 8, 1, 4);
  assert.equal(batches.length, Math.ceil(70 / 8));
  assert.deepEqual(batches.flat().sort((a, b) => a - b), lengths.map((_, i) => i));
  assert.ok(batches.slice(0, -1).every((b) => b.length === 8));
  const spread = (b: number[]) => Math.max(...b.map((i) => lengths[i]!)) - Math.min(...b.map((i) => lengths[i]!));
  assert.ok(batches.reduce((s, b) => s + spread(b), 0) / batches.length < 40, 'similar lengths batched together');
  assert.deepEqual(bucketBatches(lengths, 8, 1, 4), batches);
  assert.notDeepEqual(bucketBatches(lengths, 8, 1, 5), batches);

  const a = new AudioTask(clips, options());
  const b = new AudioTask(clips, options());
  const x = a.batchClips(2, 1);
  assert.deepEqual(b.batchClips(0, 0).labels.length, 4);
  assert.deepEqual(b.batchClips(2, 1), x, 'another task (a resumed run) draws the same batch');
  assert.notDeepEqual(a.batchClips(2, 2).clips, x.clips);
  assert.notDeepEqual(a.batchClips(3, 1), x);
  // The augmentation changes the clip, reproducibly from its generator.
  const clip = { frames: 30, width: 40, data: Float32Array.from({ length: 1200 }, (_, i) => Math.sin(i)) };
  const aug = options().audio.augment;
  const once = augmentClip(clip, aug, batchRng(0, 1, 2));
  assert.deepEqual(augmentClip(clip, aug, batchRng(0, 1, 2)), once);
  assert.notDeepEqual(augmentClip(clip, aug, batchRng(0, 1, 3)).data, once.data);
  assert.ok(once.frames >= 8 && once.frames <= Math.round(30 / 0.9));
  const none = augmentClip(clip, { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0 }, batchRng(0, 1, 2));
  assert.deepEqual(none, clip);
});
