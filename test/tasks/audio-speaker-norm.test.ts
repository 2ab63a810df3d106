import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FormatError, OptionError } from '../../src/errors.js';
import { FeatureNormaliser, normaliseBySpeaker, type Frames } from '../../src/data/audio/index.js';
import { readWavFolder } from '../../src/io/wav-folder.js';
import { AudioTask, clipFeatures, type AudioClip, type AudioSpec, type AudioTaskOptions } from '../../src/tasks/audio.js';
import { DEFAULT_AUDIO_SPEC } from '../../src/tasks/audio-build.js';
import { classifyRecordings } from '../../src/tasks/audio-predict.js';
import { audioFeatureRecipe } from '../../src/tasks/audio-recipe.js';
import { speakerNormalised, speakersOf } from '../../src/tasks/audio-speakers.js';

const SPEAKER = '^\\d_([a-z]+)_';

/** 3 speakers x digits 0-2 x recordings 0-3 of the Free Spoken Digit Dataset (36 clips). */
const clips: AudioClip[] = readWavFolder('data/spoken_digits', { labelPattern: '^(\\d)_', groupPattern: SPEAKER }).filter(
  (c) => /^[0-2]_(george|lucas|theo)_[0-3]\.wav$/.test(c.name),
);
const byName = new Map(clips.map((c) => [c.name, c]));
const NO_AUGMENT = { specAugment: false, timeShift: 0, noise: 0, stretch: 0, warp: 0 };
const audio = (over: Partial<AudioSpec> = {}): AudioSpec => ({ ...DEFAULT_AUDIO_SPEC, subtractRecordingMean: false, speakerNorm: SPEAKER, augment: NO_AUGMENT, ...over });
const options = (a: AudioSpec = audio()): AudioTaskOptions => ({
  model: { cell: 'gru', hiddenSize: 8, numLayers: 1, dropout: 0, bidirectional: true },
  audio: a,
  batchSize: 4,
  testFraction: 0.2,
  valFraction: 0.1,
  seed: 3,
});
const speakerOfName = (name: string) => /^\d_([a-z]+)_/.exec(name)![1]!;
const rows = (xs: readonly Frames[]) => xs.map((x) => [...x.data]);

test('speakerNorm: each part\'s recordings normalised by their speaker\'s statistics within the part, then by the normaliser fitted on the training part', () => {
  const task = new AudioTask(clips, options());
  const raw = (names: string[]) => names.map((n) => clipFeatures(byName.get(n)!.bytes, task.options.audio, n));
  const bySpeaker = (names: string[]) => normaliseBySpeaker(raw(names), names.map(speakerOfName));
  const { train, val, test: held } = task.parts;
  // Three speakers: the test part is one speaker; validation (fewer than 4 groups) random recordings of the other two.
  assert.equal(new Set(held.map(speakerOfName)).size, 1);
  const fitted = FeatureNormaliser.fit(bySpeaker(train));
  assert.deepEqual([...task.normaliser.mean], [...fitted.mean]);
  assert.deepEqual([...task.normaliser.std], [...fitted.std]);
  for (const [part, names] of [['train', train], ['val', val], ['test', held]] as const) {
    assert.deepEqual(rows(task.partInputs(part)), rows(bySpeaker(names).map((x) => fitted.apply(x))), part);
  }
  // Without speakerNorm the inputs are the recordings' own features through the normaliser.
  const plain = new AudioTask(clips, options({ ...audio(), speakerNorm: undefined }));
  assert.deepEqual(rows(plain.partInputs('test')), rows(raw(held).map((x) => plain.normaliser.apply(x))));
});

test('speakerNorm: a test recording\'s features depend on its speaker\'s other test recordings only, not on its training recordings (no labels used)', () => {
  // No groups: a random split, so each speaker has recordings in the training and the test part.
  const ungrouped = clips.map(({ group: _, ...c }) => c);
  const task = new AudioTask(ungrouped, options());
  const { train, test: held } = task.parts;
  const speaker = speakerOfName(held[0]!);
  const sameSpeaker = (names: string[]) => names.filter((n) => speakerOfName(n) === speaker);
  assert.ok(sameSpeaker(train).length > 0 && sameSpeaker(held).length > 1, `${speaker} in both parts`);
  const changed = (name: string) => {
    const file = `data/spoken_digits/${name.replace(/_\d+\.wav$/, '_40.wav')}`;
    // Same encoding (normaliser), so only the speaker statistics can move the inputs.
    return new AudioTask(ungrouped.map((c) => (c.name === name ? { ...c, bytes: new Uint8Array(readFileSync(file)) } : c)), options(), task.encoding);
  };
  const trainChanged = changed(sameSpeaker(train)[0]!);
  assert.deepEqual(rows(trainChanged.partInputs('test')), rows(task.partInputs('test')), 'a changed training recording of the same speaker leaves the test inputs as they were');
  assert.notDeepEqual(rows(trainChanged.partInputs('train')), rows(task.partInputs('train')));
  const testChanged = changed(sameSpeaker(held)[1]!);
  const i = held.indexOf(sameSpeaker(held)[0]!);
  assert.notDeepEqual([...testChanged.partInputs('test')[i]!.data], [...task.partInputs('test')[i]!.data], 'another test recording of the same speaker moves its statistics');
  const otherSpeaker = held.findIndex((n) => speakerOfName(n) !== speaker);
  assert.deepEqual([...testChanged.partInputs('test')[otherSpeaker]!.data], [...task.partInputs('test')[otherSpeaker]!.data], 'a test recording of another speaker does not move');
  // Labels play no part: relabelled test recordings give the same inputs.
  const relabelled = new AudioTask(ungrouped.map((c) => (held.includes(c.name) ? { ...c, label: '0' } : c)), options(), task.encoding);
  assert.deepEqual(rows(relabelled.partInputs('test')), rows(task.partInputs('test')));
});

test('speakerNorm with speed perturbation: each speed\'s copies normalised by the statistics of that speaker\'s copies at that speed', () => {
  const task = new AudioTask(clips, options(audio({ augment: { ...NO_AUGMENT, speed: 0.1 } })));
  const names = task.parts.train;
  const candidates = [0.9, 1, 1.1].flatMap((speed) => {
    const raw = names.map((n) => clipFeatures(byName.get(n)!.bytes, task.options.audio, n, speed));
    return normaliseBySpeaker(raw, names.map(speakerOfName)).map((x) => ({ speed, x: task.normaliser.apply(x) }));
  });
  const seen = new Set<number>();
  for (let b = 0; b < task.batchesPerEpoch(); b++) {
    for (const clip of task.batchClips(0, b).clips) {
      const match = candidates.find((c) => c.x.frames === clip.frames && c.x.data.every((v, k) => v === clip.data[k]));
      assert.ok(match, `batch ${b}: a clip that is no training recording normalised per speaker at its speed`);
      seen.add(match.speed);
    }
  }
  assert.deepEqual([...seen].sort(), [0.9, 1, 1.1]);
});

test('speakerNorm: refused with vtlp or floor; a training file the pattern does not match is a FormatError naming it and the pattern', () => {
  assert.throws(() => new AudioTask(clips, options(audio({ augment: { ...NO_AUGMENT, vtlp: 0.1 } }))), (e: unknown) => e instanceof OptionError && /speakerNorm cannot be combined with vtlp or floor/.test(e.message));
  assert.throws(() => new AudioTask(clips, options(audio({ augment: { ...NO_AUGMENT, noiseFloor: 10 } }))), (e: unknown) => e instanceof OptionError && /speakerNorm cannot be combined with vtlp or floor/.test(e.message));
  assert.throws(
    () => new AudioTask(clips, options(audio({ speakerNorm: '^\\d_(geo[a-z]+)_' }))),
    (e: unknown) => e instanceof FormatError && /0_lucas_0\.wav: the file name does not match --speaker-norm '\^\\d_\(geo\[a-z\]\+\)_'/.test(e.message),
  );
});

test('speakersOf and speakerNormalised: the first group on the file\'s base name; at predict the unmatched recordings form one group', () => {
  assert.deepEqual(speakersOf(['sub/3_theo_0.wav', 'C:\\x\\4_lucas_1.wav', 'mine.wav'], SPEAKER, 'together'), ['theo', 'lucas', null]);
  assert.throws(() => speakersOf(['mine.wav'], SPEAKER, 'error'), (e: unknown) => e instanceof FormatError && /mine\.wav: the file name does not match --speaker-norm/.test(e.message));
  assert.throws(() => speakersOf(['a.wav'], '^\\d_[a-z]+_', 'together'), (e: unknown) => e instanceof OptionError && /has no capture group/.test(e.message));
  assert.throws(() => speakersOf(['a.wav'], '^(\\d', 'together'), (e: unknown) => e instanceof OptionError && /is not a valid regular expression/.test(e.message));
  const names = ['0_theo_0.wav', '1_theo_1.wav', '2_lucas_0.wav'];
  const xs = names.map((n) => clipFeatures(byName.get(n)!.bytes, audio(), n));
  assert.deepEqual(rows(speakerNormalised(xs, names, {}, 'together')), rows(xs), 'off: unchanged');
  assert.deepEqual(rows(speakerNormalised(xs, ['a.wav', 'b.wav', 'c.wav'], { speakerNorm: SPEAKER }, 'together')), rows(normaliseBySpeaker(xs, [0, 0, 0])), 'unmatched: one group');
  assert.deepEqual(rows(speakerNormalised(xs, names, { speakerNorm: SPEAKER }, 'together')), rows(normaliseBySpeaker(xs, ['t', 't', 'l'])));
});

test('classifyRecordings with speakerNorm: each recording with its speaker\'s recordings given, not another speaker\'s; info\'s recipe names the step', () => {
  const task = new AudioTask(clips, options());
  const spec = task.options.audio;
  const rec = (n: string) => ({ name: n, bytes: byName.get(n)!.bytes });
  const probs = (names: string[]) => classifyRecordings(task.model, spec, task.encoding, names.map(rec)).map((p) => Object.values(p.probabilities));
  const together = probs(['0_theo_0.wav', '1_theo_1.wav', '2_lucas_0.wav']);
  assert.deepEqual(together[2], probs(['2_lucas_0.wav'])[0], 'lucas is normalised by lucas alone');
  assert.deepEqual(together.slice(0, 2), probs(['0_theo_0.wav', '1_theo_1.wav']));
  assert.notDeepEqual(together[0], probs(['0_theo_0.wav'])[0], 'theo by both theo recordings, not by one');
  // A model without speakerNorm reads each recording alone, as before.
  const plain = new AudioTask(clips, options({ ...audio(), speakerNorm: undefined, subtractRecordingMean: true }));
  const plainProbs = (names: string[]) => classifyRecordings(plain.model, plain.options.audio, plain.encoding, names.map(rec)).map((p) => Object.values(p.probabilities));
  assert.deepEqual(plainProbs(['0_theo_0.wav', '1_theo_1.wav'])[0], plainProbs(['0_theo_0.wav'])[0]);

  const recipe = audioFeatureRecipe(spec, task.encoding);
  assert.equal(recipe.settings.speakerNorm, SPEAKER);
  assert.equal(recipe.settings.subtractRecordingMean, false);
  const steps = recipe.steps.join('\n');
  assert.match(steps, /mean and divide by its std \(population, floored at 0\.001\), both over all frames of all recordings of the same speaker \(first capture group of \/\^\\d_\(\[a-z\]\+\)_\/ on the file name/);
  assert.match(steps, /same speaker[^\n]*\nnormalise each band: \(x - mean\[band\]\)/, 'the speaker step comes just before the training normaliser');
  assert.doesNotMatch(steps, /subtract each band's mean over the recording's frames/);
  assert.equal(audioFeatureRecipe(plain.options.audio, plain.encoding).settings.speakerNorm, null);
  assert.doesNotMatch(audioFeatureRecipe(plain.options.audio, plain.encoding).steps.join('\n'), /same speaker/);
});
