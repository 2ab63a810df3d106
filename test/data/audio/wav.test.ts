import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError } from '../../../src/errors.js';
import { decodeWav } from '../../../src/data/audio/index.js';
import { chunk, dataBody, fmtBody, riff, wavFile } from './wav-bytes.js';

const formatError = (re: RegExp) => (e: unknown) => e instanceof FormatError && e.code === 'E_FORMAT' && re.test(e.message);
const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

test('decodeWav: 8-bit unsigned PCM, 128 is zero, scaled by 1/128', () => {
  const w = decodeWav(wavFile('u8', 8000, [[0], [64], [128], [192], [255]]));
  assert.deepEqual(Array.from(w.samples), [-1, -0.5, 0, 0.5, 127 / 128]);
  assert.deepEqual([w.sampleRate, w.channels, w.bitsPerSample, w.encoding], [8000, 1, 8, 'pcm']);
});

test('decodeWav: 16-bit PCM scaled by 1/32768 as torchaudio.load', () => {
  const w = decodeWav(wavFile('s16', 16000, [[-32768], [-16384], [0], [1], [32767]]));
  assert.deepEqual(Array.from(w.samples), [-1, -0.5, 0, 1 / 32768, 32767 / 32768]);
});

test('decodeWav: 24-bit PCM, sign taken from the third byte', () => {
  const w = decodeWav(wavFile('s24', 44100, [[-8388608], [-1], [0], [4194304], [8388607]]));
  assert.deepEqual(Array.from(w.samples), f32([-1, -1 / 8388608, 0, 0.5, 8388607 / 8388608]));
  assert.equal(w.bitsPerSample, 24);
});

test('decodeWav: 32-bit integer PCM scaled by 1/2^31', () => {
  const w = decodeWav(wavFile('s32', 48000, [[-2147483648], [1073741824], [2147483647]]));
  assert.deepEqual(Array.from(w.samples), f32([-1, 0.5, 2147483647 / 2147483648]));
});

test('decodeWav: 32- and 64-bit IEEE float (format 3) kept as stored', () => {
  const values = [0.25, -0.75, 1.5, 1e-7];
  assert.deepEqual(Array.from(decodeWav(wavFile('f32', 22050, values.map((v) => [v]))).samples), f32(values));
  const w = decodeWav(wavFile('f64', 22050, values.map((v) => [v])));
  assert.deepEqual(Array.from(w.samples), f32(values));
  assert.deepEqual([w.encoding, w.bitsPerSample], ['float', 64]);
});

test('decodeWav: WAVE_FORMAT_EXTENSIBLE with PCM and float subformats', () => {
  assert.deepEqual(Array.from(decodeWav(wavFile('s16', 8000, [[16384], [-8192]], true)).samples), [0.5, -0.25]);
  assert.deepEqual(Array.from(decodeWav(wavFile('f32', 8000, [[0.125], [-2]], true)).samples), [0.125, -2]);
  assert.deepEqual(Array.from(decodeWav(wavFile('s24', 8000, [[-4194304]], true)).samples), [-0.5]);
});

test('decodeWav: several channels are averaged to mono', () => {
  const w = decodeWav(wavFile('s16', 8000, [[16384, -16384], [32767, 32767], [8192, 0]]));
  assert.deepEqual(Array.from(w.samples), f32([0, 32767 / 32768, 0.125]));
  assert.equal(w.channels, 2);
  const three = decodeWav(wavFile('f32', 8000, [[0.3, 0.6, 0.9]]));
  assert.ok(Math.abs(three.samples[0]! - 0.6) < 1e-7);
});

test('decodeWav: chunks in any order, odd chunks padded, unknown chunks and a trailing partial frame skipped', () => {
  const data = dataBody('s16', [[100], [-200], [300]]);
  const file = riff([chunk('LIST', new Uint8Array(5).fill(65)), chunk('data', Uint8Array.from([...data, 0x7f])), chunk('fmt ', fmtBody('s16', 1, 8000)), chunk('fact', new Uint8Array(4))]);
  // The odd LIST chunk (5 bytes) has a pad byte; the 7-byte data chunk holds 3 frames and a half.
  assert.deepEqual(Array.from(decodeWav(file).samples), [100 / 32768, -200 / 32768, 300 / 32768]);
});

test('decodeWav: the bytes may be an ArrayBuffer or a view into a larger buffer', () => {
  const file = wavFile('s16', 8000, [[16384]]);
  assert.deepEqual(Array.from(decodeWav(file.slice().buffer).samples), [0.5]);
  const big = new Uint8Array(file.length + 7);
  big.set(file, 7);
  assert.deepEqual(Array.from(decodeWav(big.subarray(7)).samples), [0.5]);
});

test('decodeWav: empty, short and non-WAV input name the problem and the source', () => {
  assert.throws(() => decodeWav(new Uint8Array(0), { source: 'a.wav' }), formatError(/^a\.wav: the file is empty/));
  assert.throws(() => decodeWav(new Uint8Array(10)), formatError(/^not a WAV file: 10 bytes is too short/));
  const text = new TextEncoder().encode('ID3\x03 this is an mp3 file, not a wav');
  assert.throws(() => decodeWav(text, { source: 'song.wav' }), formatError(/^song\.wav: not a WAV file: expected 'RIFF' and 'WAVE' at the start, found 0x49443303 and 's is'$/));
  const rifx = wavFile('s16', 8000, [[1]]);
  rifx.set([0x52, 0x49, 0x46, 0x58], 0);
  assert.throws(() => decodeWav(rifx), formatError(/big-endian WAV \(RIFX\) is not supported/));
});

test('decodeWav: a data chunk larger than the file is a truncation error, not a 4 GB allocation', () => {
  const file = riff([chunk('fmt ', fmtBody('s16', 1, 8000)), chunk('data', dataBody('s16', [[1], [2]]), 0xfffffff0)]);
  assert.throws(() => decodeWav(file, { source: 'cut.wav' }), formatError(/^cut\.wav: the 'data' chunk claims 4294967280 bytes but only 4 follow: the file is truncated/));
  const cut = wavFile('s16', 8000, [[1], [2], [3], [4]]).subarray(0, 48);
  assert.throws(() => decodeWav(cut), formatError(/'data' chunk claims 8 bytes but only 4 follow/));
});

test('decodeWav: missing chunks, empty data, compressed encodings and bad fields are FormatErrors', () => {
  const fmt = chunk('fmt ', fmtBody('s16', 1, 8000));
  assert.throws(() => decodeWav(riff([fmt])), formatError(/no 'data' chunk/));
  assert.throws(() => decodeWav(riff([chunk('data', new Uint8Array(4))])), formatError(/no 'fmt ' chunk: the sample format is unknown/));
  assert.throws(() => decodeWav(riff([fmt, chunk('data', new Uint8Array(0))])), formatError(/the 'data' chunk holds no complete sample \(0 bytes, 2 bytes per frame\)/));
  const mulaw = fmtBody('s16', 1, 8000);
  new DataView(mulaw.buffer).setUint16(0, 7, true);
  assert.throws(() => decodeWav(riff([chunk('fmt ', mulaw), chunk('data', new Uint8Array(4))])), formatError(/unsupported encoding mu-law \(format code 7\); convert it to PCM/));
  const bits12 = fmtBody('s16', 1, 8000);
  new DataView(bits12.buffer).setUint16(14, 20, true);
  assert.throws(() => decodeWav(riff([chunk('fmt ', bits12), chunk('data', new Uint8Array(4))])), formatError(/block align 2 does not match 1 channel\(s\) of 3 bytes/));
  const f16 = fmtBody('f32', 1, 8000);
  new DataView(f16.buffer).setUint16(14, 16, true);
  assert.throws(() => decodeWav(riff([chunk('fmt ', f16), chunk('data', new Uint8Array(4))])), formatError(/IEEE float with 16 bits per sample is not supported \(expected 32, 64\)/));
  const noChannels = fmtBody('s16', 1, 8000);
  new DataView(noChannels.buffer).setUint16(2, 0, true);
  assert.throws(() => decodeWav(riff([chunk('fmt ', noChannels), chunk('data', new Uint8Array(4))])), formatError(/channel count 0 is outside 1\.\.256/));
  const rate0 = fmtBody('s16', 1, 0);
  assert.throws(() => decodeWav(riff([chunk('fmt ', rate0), chunk('data', new Uint8Array(4))])), formatError(/sample rate 0 Hz is outside 1000\.\.1000000 Hz/));
  assert.throws(() => decodeWav(wavFile('s16', 999, [[1]])), formatError(/sample rate 999 Hz is outside 1000\.\.1000000 Hz \(a corrupted header, or not a sound recording\)/));
  assert.equal(decodeWav(wavFile('s16', 1000, [[1]])).sampleRate, 1000);
  assert.throws(() => decodeWav(riff([chunk('fmt ', new Uint8Array(12)), chunk('data', new Uint8Array(4))])), formatError(/the 'fmt ' chunk is 12 bytes; it needs at least 16/));
  const ext = fmtBody('s16', 1, 8000, true);
  ext[30] = 0x11; // damage the subformat GUID
  assert.throws(() => decodeWav(riff([chunk('fmt ', ext), chunk('data', new Uint8Array(4))])), formatError(/unknown subformat GUID/));
  const nan = wavFile('f32', 8000, [[0.5], [Number.NaN]]);
  assert.throws(() => decodeWav(nan, { source: 'n.wav' }), formatError(/^n\.wav: frame 1 holds a NaN or infinite sample/));
  const lost = riff([chunk('LIST', new Uint8Array(8), 1000), fmt]);
  assert.throws(() => decodeWav(lost), formatError(/chunk 'LIST' at byte 12 claims 1000 bytes but only 32 follow, before the 'fmt ' chunk was found/));
});
