// The audio view's data logic in Node, on the bundled spoken-digit model and its samples: the
// view's probabilities are `recur predict`'s, the prefix at t = T is the whole clip, each prefix
// equals `recur predict` on the WAV cut after frame t (not the full clip's features cut), also
// at 48 kHz and for a one-directional model, long files are cut, recordings enter as float WAV
// unchanged, bad files get the decoder's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipFeatures, decodeWav, FormatError, modelFromSpec, noGrad, resample, softmax, Tensor, withEval } from '../../src/index.js';
import { classifyRecordings } from '../../src/tasks/audio-predict.js';
import { audioModelFromBytes, type AudioModel } from '../../web/src/audio-model.js';
import { PREFIX_BUDGET, prefixEnds, prefixProbabilities, prefixSampleCount } from '../../web/src/audio-prefix.js';
import { analyseWav, argmaxRows, bandCentres, hopSeconds, labelFromName, settledFrom, traceLayers } from '../../web/src/audio-trace.js';
import { trimToWord } from '../../web/src/audio-trim.js';
import { encodeWavFloat32 } from '../../web/src/audio-wav-encode.js';

const MODEL = 'web/public/model-audio';
const SAMPLES = 'web/public/audio-samples';
const configJson = JSON.parse(readFileSync(join(MODEL, 'config.json'), 'utf8')) as Record<string, unknown>;
const bundled = audioModelFromBytes(configJson, new Uint8Array(readFileSync(join(MODEL, 'model.safetensors'))), `${MODEL}/`);
const samples = (JSON.parse(readFileSync(join(SAMPLES, 'samples.json'), 'utf8')) as { samples: Array<{ file: string; digit: string }> }).samples;
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(SAMPLES, file)));
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};
/** `recur predict`'s probabilities (label order) for mono samples written as a float WAV. */
const cliProbs = (m: AudioModel, cuts: Float32Array[], rate: number) =>
  classifyRecordings(m.model, m.audio, m.encoding, cuts.map((x, i) => ({ name: `cut${i}.wav`, bytes: encodeWavFloat32(x, rate) }))).map((p) => m.encoding.labels.map((l) => p.probabilities[l]!));
const framesOf = (m: AudioModel, x: Float32Array, rate: number) => clipFeatures(encodeWavFloat32(x, rate), m.audio, 'cut.wav').frames;

/** An untrained (seeded) model of another shape on the bundled model's front end and normaliser. */
function variant(model: { cell: 'lstm' | 'gru' | 'rnn'; hiddenSize: number; numLayers: number; bidirectional: boolean }): AudioModel {
  const spec = { ...(configJson.spec as Record<string, unknown>), model: { ...model, dropout: 0, embeddingDim: 0 } };
  const loaded = modelFromSpec(spec as never, configJson.saved as Record<string, unknown>, 'variant');
  assert.equal(loaded.kind, 'audio');
  if (loaded.kind !== 'audio') throw new Error('unreachable');
  loaded.model.eval();
  return { ...bundled, model: loaded.model };
}

test('the bundled samples: the view\'s probabilities are recur predict\'s, and the prefix at t = T is the whole clip', () => {
  assert.ok(samples.length >= 3 && samples.length <= 5, `${samples.length} samples`);
  for (const s of samples) {
    const a = analyseWav(bundled, bytesOf(s.file), s.file);
    const [cli] = classifyRecordings(bundled.model, bundled.audio, bundled.encoding, [{ name: s.file, bytes: bytesOf(s.file) }]);
    close(a.probs, bundled.encoding.labels.map((l) => cli!.probabilities[l]!), 1e-5, `${s.file} probabilities`);
    assert.equal(a.labels[a.predicted], cli!.label, `${s.file}: the predicted label`);
    const C = a.labels.length;
    close(a.prefixProbs.subarray((a.T - 1) * C), a.probs, 1e-5, `${s.file}: prefix at t = T`);
    assert.deepEqual(a.prefixEnds, Array.from({ length: a.T }, (_, t) => t + 1), 'every prefix of a short clip is run');
    assert.equal(a.width, 40);
    assert.equal(a.traces.length, 4, '2 layers x 2 directions');
    assert.deepEqual(Object.keys(a.traces[0]!.gates).sort(), ['n', 'r', 'z']);
    assert.equal(a.traces[3]!.h.length, a.T * a.H);
    assert.equal(labelFromName(bundled, s.file), s.digit);
    assert.equal(a.keptSeconds, null);
    // 8 kHz files, hop 80 samples, centred frames: 1 + floor(samples / 80).
    assert.equal(a.T, 1 + Math.floor(a.samples.length / 80));
  }
});

test('each prefix equals recur predict on the WAV cut after frame t, at every t of the reviewer\'s sample', () => {
  const file = '7_theo_17.wav';
  const a = analyseWav(bundled, bytesOf(file), file);
  const C = a.labels.length;
  const wav = decodeWav(bytesOf(file)).samples;
  // 8 kHz, hop 80, centred frames: the first t * 80 - 1 samples are the longest start with t frames.
  assert.deepEqual(a.prefixEnds, Array.from({ length: a.T }, (_, t) => t + 1), 'every prefix is run');
  const cuts = a.prefixEnds.map((t) => (t === a.T ? wav : wav.subarray(0, t * 80 - 1)));
  for (const t of [1, 2, a.T - 1]) {
    assert.equal(framesOf(bundled, cuts[t - 1]!, 8000), t, `the cut after frame ${t} has ${t} frames`);
    if (t < a.T) assert.equal(framesOf(bundled, wav.subarray(0, t * 80), 8000), t + 1, `one more sample starts frame ${t + 1}`);
  }
  const cli = cliProbs(bundled, cuts, 8000);
  for (let t = 1; t <= a.T; t++) close(a.prefixProbs.subarray((t - 1) * C, t * C), cli[t - 1]!, 1e-5, `${file}: after frame ${t}`);
  // The backward direction sees the future: a midway prefix is not the full clip's answer.
  const mid = a.prefixProbs.subarray((Math.floor(a.T / 2) - 1) * C, Math.floor(a.T / 2) * C);
  assert.ok(mid.some((p, c) => Math.abs(p - a.probs[c]!) > 1e-3), 'a midway prefix differs from the whole clip');
});

test('a one-directional model: the prefix curve is recur predict on each cut, its head on h(T) at the end; LSTM traces carry i, f, g, o and c', () => {
  const m = variant({ cell: 'lstm', hiddenSize: 12, numLayers: 2, bidirectional: false });
  const a = analyseWav(m, bytesOf(samples[0]!.file), samples[0]!.file);
  const C = a.labels.length;
  const top = a.traces[a.traces.length - 1]!;
  assert.deepEqual(Object.keys(top.gates).sort(), ['f', 'g', 'i', 'o']);
  assert.equal(top.c!.length, a.T * 12);
  const ts = [1, 9, Math.floor(a.T / 2), a.T];
  const cli = cliProbs(m, ts.map((t) => (t === a.T ? a.samples : a.samples.subarray(0, t * 80 - 1))), 8000);
  ts.forEach((t, k) => close(a.prefixProbs.subarray((t - 1) * C, t * C), cli[k]!, 1e-5, `after frame ${t}`));
  // The traced maps are of the whole clip: the head on its h(t) is the curve only at t = T, as a
  // cut's level, DC offset and band means are its own.
  const head = noGrad(() => withEval(m.model, () => m.model.fc.forward(new Tensor(top.h.slice(), [a.T, 12])).data));
  const headAt = (t: number) => softmax(head.subarray((t - 1) * C, t * C));
  close(a.prefixProbs.subarray((a.T - 1) * C), headAt(a.T), 1e-5, 'after the last frame');
  const gap = Math.max(...ts.slice(0, -1).map((t) => Math.max(...headAt(t).map((p, c) => Math.abs(p - a.prefixProbs[(t - 1) * C + c]!)))));
  assert.ok(gap > 1e-3, `a cut is read with its own statistics (largest gap to the whole clip's h(t): ${gap})`);
  // A plain RNN has no gates; a one-layer GRU has one trace.
  const rnn = traceLayers(variant({ cell: 'rnn', hiddenSize: 5, numLayers: 1, bidirectional: false }), { frames: a.T, width: a.width, data: a.input });
  assert.equal(rnn.traces.length, 1);
  assert.deepEqual(Object.keys(rnn.traces[0]!.gates), []);
  assert.equal(rnn.H, 5);
});

test('prefix runs: all of a short clip, a stride within the budget for a long one, always ending at T', () => {
  assert.deepEqual(prefixEnds(4), [1, 2, 3, 4]);
  assert.deepEqual(prefixEnds(199), Array.from({ length: 199 }, (_, t) => t + 1), '199 * 200 / 2 = 19,900 frame-steps fit');
  const long = prefixEnds(1001);
  assert.equal(long[0], 26);
  assert.equal(long[long.length - 1], 1001);
  assert.ok(long.reduce((s, t) => s + t, 0) <= PREFIX_BUDGET + 1001);
  assert.throws(() => prefixEnds(0), /positive integer/);
  // Between computed prefixes the last one is held.
  const a = analyseWav(bundled, bytesOf(samples[2]!.file), samples[2]!.file);
  const ends = [5, 10, a.T];
  const { probs, classes } = prefixProbabilities(bundled, { samples: a.samples, sampleRate: a.sampleRate, name: a.name }, a.T, ends);
  const every = a.prefixProbs;
  close(probs.subarray(0, classes), every.subarray(4 * classes, 5 * classes), 1e-5, 'before the first end: the first prefix');
  close(probs.subarray(7 * classes, 8 * classes), every.subarray(4 * classes, 5 * classes), 1e-5, 'frame 7 holds the prefix of 5');
  close(probs.subarray(9 * classes, 10 * classes), every.subarray(9 * classes, 10 * classes), 1e-5, 'frame 9 ends the prefix of 10');
  assert.throws(() => prefixProbabilities(bundled, { samples: a.samples, sampleRate: a.sampleRate, name: a.name }, a.T, [5, 10]), /must finish at T/);
  assert.throws(() => prefixSampleCount(0, a.T, a.samples.length, 8000, bundled.audio), /integer in 1\.\./);
});

test('argmax and the frame the prediction settles on', () => {
  const p = Float32Array.from([0.6, 0.4, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]);
  assert.deepEqual(argmaxRows(p, 2), [0, 1, 1, 1]);
  assert.equal(settledFrom(p, 2, 1), 1);
  assert.equal(settledFrom(p, 2, 0), null);
});

test('a recording enters as float WAV unchanged; at 48 kHz it is resampled to the model\'s 8 kHz; a long one is cut', () => {
  const wav = decodeWav(bytesOf(samples[0]!.file));
  const hi = resample(wav.samples, 8000, 48000);
  const bytes = encodeWavFloat32(hi, 48000);
  const back = decodeWav(bytes, { source: 'rec.wav' });
  assert.equal(back.sampleRate, 48000);
  assert.equal(back.encoding, 'float');
  assert.deepEqual(back.samples, hi);
  const a = analyseWav(bundled, bytes, 'recording.wav');
  assert.equal(a.T, 1 + Math.floor(resample(hi, 48000, 8000).length / 80));
  assert.equal(a.sampleRate, 48000);
  // Its prefixes are cut at 48 kHz, each the longest start with t frames once resampled.
  const ts = [3, 20, a.T - 1];
  const cuts = ts.map((t) => prefixSampleCount(t, a.T, hi.length, 48000, bundled.audio));
  ts.forEach((t, k) => {
    assert.equal(framesOf(bundled, hi.subarray(0, cuts[k]), 48000), t, `48 kHz cut after frame ${t}`);
    assert.equal(framesOf(bundled, hi.subarray(0, cuts[k]! + 1), 48000), t + 1, `one more sample starts frame ${t + 1}`);
  });
  const cli48 = cliProbs(bundled, cuts.map((n) => hi.subarray(0, n)), 48000);
  const C = a.labels.length;
  ts.forEach((t, k) => close(a.prefixProbs.subarray((t - 1) * C, t * C), cli48[k]!, 1e-5, `48 kHz: after frame ${t}`));
  assert.equal(prefixSampleCount(a.T, a.T, hi.length, 48000, bundled.audio), hi.length, 'the last prefix is the whole recording');
  assert.equal(labelFromName(bundled, 'recording.wav'), null);
  assert.equal(hopSeconds(bundled.audio), 0.01);
  // Cut to its first 0.2 s: the frames of 1,600 samples.
  const cut = analyseWav(bundled, bytesOf(samples[4]!.file), samples[4]!.file, 0.2);
  assert.equal(cut.keptSeconds, 0.2);
  assert.ok(cut.seconds > 0.2);
  assert.equal(cut.T, 1 + Math.floor(1600 / 80));
  assert.throws(() => encodeWavFloat32(hi, 0), /positive integer/);
});

test('a file that is not a WAV gets the decoder\'s FormatError naming it', () => {
  const text = new TextEncoder().encode('hello, this is not audio');
  assert.throws(() => analyseWav(bundled, text, 'notes.txt'), (e: unknown) => e instanceof FormatError && /^notes\.txt: /.test(e.message));
  assert.throws(() => analyseWav(bundled, new Uint8Array(0), 'empty.wav'), (e: unknown) => e instanceof FormatError && /empty\.wav/.test(e.message));
});

test('a checkpoint of another task is refused with the task it holds', () => {
  const charlm = JSON.parse(readFileSync('web/public/model-gru/config.json', 'utf8')) as unknown;
  assert.throws(() => audioModelFromBytes(charlm, new Uint8Array(readFileSync('web/public/model-gru/model.safetensors')), 'gru/'), /holds a charlm model; the audio view reads checkpoints of recur train --task audio/);
});

test('mel band centres rise from near 0 to below the Nyquist frequency; MFCC rows have none', () => {
  const c = bandCentres(bundled.audio)!;
  assert.equal(c.length, 40);
  assert.ok(c[0]! > 0 && c[0]! < 100, `lowest band at ${c[0]} Hz`);
  assert.ok(c[39]! < 4000 && c[39]! > 3500, `highest band at ${c[39]} Hz`);
  for (let b = 1; b < 40; b++) assert.ok(c[b]! > c[b - 1]!);
  assert.equal(bandCentres({ ...bundled.audio, features: 'mfcc' }), null);
});

test('a recording is trimmed to the word with 50 ms margins; silence is kept whole', () => {
  const rate = 8000;
  const x = new Float32Array(rate); // 1 s: a 200 ms tone from 400 ms, faint noise elsewhere
  for (let i = 0; i < x.length; i++) x[i] = i >= 3200 && i < 4800 ? 0.5 * Math.sin(i / 3) : 1e-3 * Math.sin(i * 1.7);
  assert.deepEqual(trimToWord(x, rate), { start: 3200 - 400, end: 4800 + 400 });
  assert.deepEqual(trimToWord(new Float32Array(500), rate), { start: 0, end: 500 });
  assert.deepEqual(trimToWord(x.subarray(3200, 4800), rate), { start: 0, end: 1600 });
});
