import { readFileSync } from 'node:fs';
import { audioFeatures } from '../../../src/data/audio/pipeline.js';
import { decodeWav } from '../../../src/data/audio/wav.js';
import { chunk, dataBody, fmtBody, riff, wavFile, type WavEncoding } from '../../data/audio/wav-bytes.js';
import type { FuzzTarget } from './harness.js';
import { concatBytes, mutateBytes } from './mutate.js';
import type { Prng } from './rng.js';

const FIXTURES = new URL('../../fixtures/audio/', import.meta.url);

/** A short seeded waveform as stored integers (or floats) for an encoding. */
function frames(rng: Prng, encoding: WavEncoding, n: number, channels: number): number[][] {
  const full = { u8: 127, s16: 32767, s24: 8388607, s32: 2147483647, f32: 1, f64: 1 }[encoding];
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: channels }, (_, c) => {
      const v = Math.sin(i * 0.3 + c) * rng.next();
      return encoding.startsWith('f') ? v : Math.round(v * full) + (encoding === 'u8' ? 128 : 0);
    }),
  );
}

/** Hostile values for the fmt fields: zero, one, off by one, the u16/u32 limits. */
const HOSTILE_U16 = [0, 1, 2, 3, 7, 8, 12, 17, 24, 31, 33, 64, 255, 256, 257, 0x7fff, 0xfffe, 0xffff];
const HOSTILE_U32 = [0, 1, 999, 1000, 44100, 1_000_000, 1_000_001, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

/** A WAV rebuilt from parts with one structural fault: a hostile field, a chunk size, an order, a truncation. */
function structured(rng: Prng): Uint8Array {
  const encoding = rng.pick<WavEncoding>(['u8', 's16', 's24', 's32', 'f32', 'f64']);
  const channels = rng.pick([1, 1, 2, 3, 6]);
  const fmt = fmtBody(encoding, channels, rng.pick([8000, 16000, 22050, 44100]), encoding !== 'u8' && rng.chance(0.3));
  const data = dataBody(encoding, frames(rng, encoding, rng.int(0, 400), channels));
  const v = new DataView(fmt.buffer);
  switch (rng.int(0, 7)) {
    case 0: v.setUint16(rng.pick([0, 2, 12, 14, 16, 18].filter((at) => at < fmt.length)), rng.pick(HOSTILE_U16), true); break; // format, channels, blockAlign, bits, cbSize, validBits
    case 1: v.setUint32(rng.pick([4, 8]), rng.pick(HOSTILE_U32), true); break; // sample rate, byte rate
    case 2: if (fmt.length === 40) v.setUint16(24, rng.pick([0, 2, 3, 7, 0xfffe]), true); break; // subformat
    default: break;
  }
  let parts = [chunk('fmt ', fmt), chunk('data', data)];
  const extra = chunk(rng.pick(['LIST', 'fact', 'junk', 'data', 'fmt ', '\0\0\0\0']), Uint8Array.from({ length: rng.int(0, 9) }, () => rng.int(0, 255)));
  if (rng.chance(0.5)) parts.splice(rng.int(0, parts.length), 0, extra);
  if (rng.chance(0.3)) parts.reverse();
  if (rng.chance(0.15)) parts = parts.filter(() => rng.chance(0.5));
  let file = riff(parts);
  if (rng.chance(0.25)) {
    // A chunk size (or the RIFF size) claiming up to 4 GB.
    const sizeAt = [4, ...chunkSizeOffsets(file)];
    new DataView(file.buffer).setUint32(rng.pick(sizeAt), rng.pick(HOSTILE_U32), true);
  }
  if (rng.chance(0.2)) file = file.slice(0, rng.int(0, file.length));
  if (rng.chance(0.1)) file = concatBytes(file, Uint8Array.from({ length: rng.int(1, 7) }, () => rng.int(0, 255)));
  return file;
}

function chunkSizeOffsets(file: Uint8Array): number[] {
  const out: number[] = [];
  const v = new DataView(file.buffer, file.byteOffset);
  for (let at = 12; at + 8 <= file.length; ) {
    out.push(at + 4);
    const size = v.getUint32(at + 4, true);
    at += 8 + size + (size & 1);
  }
  return out;
}

export const wavTarget: FuzzTarget<Uint8Array> = {
  name: 'wav',
  async setup() {
    const seeds = [
      ...['0_george_0.wav', 'synthetic_stereo_pcm24_22050.wav', 'synthetic_3ch_float32_11025.wav'].map((f) => new Uint8Array(readFileSync(new URL(f, FIXTURES)))),
      wavFile('u8', 8000, [[0], [128], [255], [64]]),
      wavFile('f64', 16000, [[0.5, -0.5], [0.25, 0.125]]),
      wavFile('s32', 44100, [[1 << 30], [-(1 << 30)]], true),
    ];
    return {
      generate: (rng: Prng) => (rng.chance(0.5) ? mutateBytes(rng, rng.pick(seeds)) : structured(rng)),
      run(bytes: Uint8Array) {
        const wav = decodeWav(bytes, { source: 'fuzz.wav' });
        // What decodes goes through the whole front end: resampling from its (hostile) rate, STFT, mel, log.
        return audioFeatures(wav.samples.subarray(0, 2 * wav.sampleRate), wav.sampleRate, { targetRate: 16000 });
      },
      size: (b: Uint8Array) => b.length,
    };
  },
};
