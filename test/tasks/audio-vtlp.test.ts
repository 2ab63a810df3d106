import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError } from '../../src/errors.js';
import { hzToMel, logMelSpectrogram, melFilterbank, resolveMelOptions } from '../../src/data/audio/index.js';
import { logMelFromPower, vtlpFilterbank, vtlpWarp, VTLP_BOUNDARY } from '../../src/data/audio/vtlp.js';
import { powerSpectrogram } from '../../src/data/audio/stft.js';
import { readWavFolder } from '../../src/io/wav-folder.js';
import { AudioTask, clipFeatures, type AudioClip, type AudioTaskOptions } from '../../src/tasks/audio.js';
import { DEFAULT_AUDIO_SPEC } from '../../src/tasks/audio-build.js';
import { clipPower, vtlpAlpha, vtlpFeatures, withNoiseFloor } from '../../src/tasks/audio-vtlp.js';
import { batchRng } from '../../src/tasks/audio-batch.js';

/** 3 speakers x digits 0-2 x recordings 0-3 of the Free Spoken Digit Dataset (36 clips). */
const clips: AudioClip[] = readWavFolder('data/spoken_digits', { labelPattern: '^(\\d)_', groupPattern: '^\\d_([a-z]+)_' }).filter(
  (c) => /^[0-2]_(george|lucas|theo)_[0-3]\.wav$/.test(c.name),
);

const options = (vtlp: number): AudioTaskOptions => ({
  model: { cell: 'gru', hiddenSize: 8, numLayers: 1, dropout: 0, bidirectional: true },
  audio: { ...DEFAULT_AUDIO_SPEC, augment: { specAugment: false, timeShift: 2, noise: 0, stretch: 0, warp: 0, vtlp } },
  batchSize: 4,
  testFraction: 0.2,
  valFraction: 0.1,
  seed: 3,
});

test('vtlpWarp: alpha f up to the knee, then a straight line to (fMax, fMax); alpha 1 is the identity', () => {
  const up = vtlpWarp(1.1, 4000);
  assert.ok(Math.abs(up(1000) - 1100) < 1e-9);
  assert.equal(up(0), 0);
  assert.ok(Math.abs(up(4000) - 4000) < 1e-9);
  // alpha > 1: the knee is at 0.8 fMax / alpha (2909 Hz), mapped to 0.8 fMax (3200 Hz)
  const knee = (VTLP_BOUNDARY * 4000) / 1.1;
  assert.ok(Math.abs(up(knee) - 3200) < 1e-9);
  assert.ok(Math.abs(up(knee + 1e-6) - up(knee)) < 1e-5, 'continuous at the knee');
  const down = vtlpWarp(0.9, 4000);
  assert.ok(Math.abs(down(3200) - 2880) < 1e-9, 'alpha < 1: the knee at 0.8 fMax');
  assert.ok(Math.abs(down(4000) - 4000) < 1e-9);
  for (let f = 0; f <= 4000; f += 50) {
    assert.equal(vtlpWarp(1, 4000)(f), f);
    assert.ok(up(f + 50) > up(f) && down(f + 50) > down(f), 'increasing');
  }
  assert.throws(() => vtlpWarp(0, 4000), (e: unknown) => e instanceof OptionError && /alpha must be a positive number/.test(e.message));
});

test('vtlpFilterbank: alpha 1 is exactly torchaudio\'s filterbank; logMelFromPower matches logMelSpectrogram', () => {
  const r = resolveMelOptions(8000);
  assert.deepEqual(vtlpFilterbank(r, 1), melFilterbank({ bins: 129, sampleRate: 8000, nMels: 40 }));
  const samples = Float32Array.from({ length: 4000 }, (_, i) => Math.sin(i * 0.3) * 0.2 + Math.sin(i * 1.7) * 0.05);
  const p = powerSpectrogram(samples, { nFft: r.nFft, winLength: r.winLength, hopLength: r.hopLength });
  const mine = logMelFromPower(p, vtlpFilterbank(r, 1), 0.01);
  const ref = logMelSpectrogram(samples, 8000, { logOffset: 0.01 });
  assert.deepEqual([mine.frames, mine.width], [ref.frames, ref.width]);
  assert.deepEqual([...mine.data], [...ref.data], 'the same terms in the same order: bit for bit');
});

test('vtlpFilterbank: alpha 1.15 moves a 1 kHz tone\'s peak to the band centred nearest 1150 Hz, alpha 0.85 to the one nearest 850 Hz', () => {
  const r = resolveMelOptions(8000);
  const tone = Float32Array.from({ length: 8000 }, (_, i) => 0.1 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
  const p = powerSpectrogram(tone, { nFft: r.nFft, winLength: r.winLength, hopLength: r.hopLength });
  // band m's centre is mel point m + 1 of 42 evenly spaced over 0..4000 Hz
  const step = hzToMel(4000) / 41;
  const nearest = (hz: number) => Math.round(hzToMel(hz) / step) - 1;
  const peak = (alpha: number) => {
    const x = logMelFromPower(p, vtlpFilterbank(r, alpha), 1e-6);
    const mid = Math.floor(x.frames / 2) * x.width;
    let best = 0;
    for (let m = 1; m < x.width; m++) if (x.data[mid + m]! > x.data[mid + best]!) best = m;
    return best;
  };
  assert.equal(peak(1), nearest(1000));
  assert.equal(peak(1.15), nearest(1150));
  assert.equal(peak(0.85), nearest(850));
  assert.equal(peak(1.15) - peak(1), 2, '150 Hz is about two bands at 1 kHz (52 mel a band, 0.66 mel/Hz)');
});

test('VTLP on real recordings: alpha 1 gives the features clipFeatures gives (to 1e-6); the task draws a seeded factor per clip', () => {
  const task = new AudioTask(clips, options(0.1));
  const plain = new AudioTask(clips, options(0));
  for (const c of clips.slice(0, 6)) {
    const expected = task.normaliser.apply(clipFeatures(c.bytes, task.options.audio, c.name));
    const got = vtlpFeatures(clipPower(c.bytes, task.options.audio, c.name), task.options.audio, 1, task.normaliser);
    assert.deepEqual([got.frames, got.width], [expected.frames, expected.width]);
    let worst = 0;
    got.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - expected.data[i]!))));
    assert.ok(worst < 1e-6, `${c.name}: ${worst}`);
  }
  // Reproducible from (seed, epoch, batch), so --resume continues exactly; different from no VTLP.
  const a = task.batchClips(2, 1);
  const b = new AudioTask(clips, options(0.1)).batchClips(2, 1);
  assert.deepEqual(a.labels, b.labels);
  a.clips.forEach((x, i) => assert.deepEqual([...x.data], [...b.clips[i]!.data]));
  const none = plain.batchClips(2, 1);
  assert.deepEqual(a.labels, none.labels, 'the same batches');
  assert.ok(a.clips.some((x, i) => x.frames === none.clips[i]!.frames && x.data.some((v, j) => Math.abs(v - none.clips[i]!.data[j]!) > 1e-3)));
  // alpha drawn uniformly in [0.9, 1.1]
  const rng = batchRng(0, 0, 0);
  const alphas = Array.from({ length: 2000 }, () => vtlpAlpha(0.1, rng));
  assert.ok(Math.min(...alphas) >= 0.9 && Math.max(...alphas) <= 1.1 && Math.min(...alphas) < 0.901 && Math.max(...alphas) > 1.099);
  assert.throws(() => vtlpAlpha(1, rng), /vtlp must be in \[0, 1\)/);
  assert.throws(() => clipPower(clips[0]!.bytes, { ...task.options.audio, features: 'mfcc' }, 'x.wav'), /log-mel features only/);
});

test('withNoiseFloor: white noise snrDb below the clip\'s mean power, Exp(1)-distributed per bin, seeded', () => {
  const power = clipPower(clips[0]!.bytes, DEFAULT_AUDIO_SPEC, clips[0]!.name);
  const mean = power.data.reduce((a, v) => a + v, 0) / power.data.length;
  const noisy = withNoiseFloor(power, 20, batchRng(1, 2, 3));
  const added = noisy.data.map((v, i) => v - power.data[i]!);
  assert.ok(added.every((v) => v >= 0), 'noise power is never negative');
  const addedMean = added.reduce((a, v) => a + v, 0) / added.length;
  // ~7,000 Exp(1) draws: their mean is 1 within a few percent
  assert.ok(Math.abs(addedMean / (mean / 100) - 1) < 0.05, `added ${addedMean} vs ${mean / 100}`);
  const sd = Math.sqrt(added.reduce((a, v) => a + (v - addedMean) ** 2, 0) / added.length);
  assert.ok(Math.abs(sd / addedMean - 1) < 0.08, 'Exp(1): std equal to the mean');
  assert.deepEqual([...withNoiseFloor(power, 20, batchRng(1, 2, 3)).data], [...noisy.data], 'reproducible from the generator');
  // in the task: a floor drawn per clip changes the training features, reproducibly
  const withFloor = (floor: number): AudioTaskOptions => ({ ...options(0), audio: { ...options(0).audio, augment: { ...options(0).audio.augment, noiseFloor: floor } } });
  const a = new AudioTask(clips, withFloor(10)).batchClips(1, 0);
  const b = new AudioTask(clips, withFloor(10)).batchClips(1, 0);
  a.clips.forEach((x, i) => assert.deepEqual([...x.data], [...b.clips[i]!.data]));
  const plain = new AudioTask(clips, options(0)).batchClips(1, 0);
  assert.ok(a.clips.some((x, i) => x.data.some((v, j) => Math.abs(v - plain.clips[i]!.data[j]!) > 1e-2)));
});
