import { FormatError } from '../../errors.js';

/**
 * WAV (RIFF/WAVE) decoding to mono float samples. Pure: works on the file's bytes, no file
 * I/O, so it runs in browsers too. Every size comes from an untrusted file, so each is checked
 * against the bytes actually present before it sizes an allocation: a header claiming 4 GB of
 * data in a 1 KB file fails with a FormatError instead of allocating.
 */

/** A decoded WAV file: its samples mixed down to one channel, in [-1, 1]. */
export interface DecodedWav {
  /** Mono samples (the mean of the channels), integer PCM scaled as torchaudio.load does (int16 / 32768). */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Channel count in the file (before mixing down). */
  readonly channels: number;
  /** Bits per sample in the file (the container size, e.g. 24 for 24-bit PCM). */
  readonly bitsPerSample: number;
  readonly encoding: 'pcm' | 'float';
}

export interface DecodeWavOptions {
  /** A name for error messages, e.g. the file name: `"a.wav: no 'data' chunk"`. */
  source?: string;
}

/** Highest sample rate accepted; anything above is taken as a corrupted header. */
export const MAX_WAV_SAMPLE_RATE = 1_000_000;
/**
 * Lowest sample rate accepted. Below 1 kHz a file is not a sound recording (or its header is
 * corrupted), and resampling it to 16 kHz would multiply a small file's samples by over 16.
 */
export const MIN_WAV_SAMPLE_RATE = 1000;
/** Highest channel count accepted (WAVE_FORMAT_EXTENSIBLE's mask names 18 speakers; ambisonic files use more). */
export const MAX_WAV_CHANNELS = 256;

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE GUIDs for PCM and IEEE float (the first two bytes hold the format code). */
const SUBFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

/** Names of common encodings we do not decode, for a helpful message. */
const OTHER_FORMATS: Record<number, string> = {
  2: 'Microsoft ADPCM', 6: 'A-law', 7: 'mu-law', 0x11: 'IMA ADPCM', 0x31: 'GSM 6.10', 0x50: 'MPEG', 0x55: 'MP3', 0xff: 'AAC', 0x161: 'WMA',
};

interface Format {
  code: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function fourCC(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/** A chunk id for messages: printable ASCII as is, anything else as hex bytes. */
function showId(id: string): string {
  return /^[\x20-\x7e]{4}$/.test(id) ? `'${id}'` : `0x${[...id].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Decodes a WAV file to mono float samples. Reads RIFF/WAVE with integer PCM of 8 (unsigned),
 * 16, 24 or 32 bits, IEEE float of 32 or 64 bits, and WAVE_FORMAT_EXTENSIBLE with either
 * subformat; chunks may come in any order, odd-sized chunks are padded to an even size, and
 * unknown chunks (LIST, fact, cue, ...) are skipped. Several channels are averaged to one.
 * A trailing partial frame is dropped. Anything else (not RIFF/WAVE, compressed encodings, a
 * missing or truncated chunk, no samples, NaN in a float file) is a FormatError naming the problem.
 *
 * @param bytes the whole file
 * @returns mono samples `[frames]` and the file's rate, channel count and sample size
 * @example
 * const wav = decodeWav(new Uint8Array(await (await fetch('7_theo_0.wav')).arrayBuffer()), { source: '7_theo_0.wav' });
 * wav.sampleRate; // 8000
 * wav.samples;    // Float32Array of 2,961 samples in [-1, 1]
 */
export function decodeWav(bytes: Uint8Array | ArrayBuffer, options: DecodeWavOptions = {}): DecodedWav {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const where = options.source ? `${options.source}: ` : '';
  const fail = (what: string): never => {
    throw new FormatError(`${where}${what}`);
  };
  if (b.length === 0) fail('the file is empty (0 bytes); expected a WAV file');
  if (b.length < 12) fail(`not a WAV file: ${b.length} bytes is too short for a RIFF/WAVE header (12 bytes)`);
  const riff = fourCC(b, 0);
  if (riff === 'RIFX') fail('big-endian WAV (RIFX) is not supported; convert it to a little-endian PCM WAV');
  if (riff === 'RF64' || riff === 'BW64') fail(`${riff} (WAV over 4 GB) is not supported; split the recording or convert it to a plain WAV`);
  if (riff !== 'RIFF' || fourCC(b, 8) !== 'WAVE') {
    fail(`not a WAV file: expected 'RIFF' and 'WAVE' at the start, found ${showId(riff)} and ${showId(fourCC(b, 8))}`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let fmt: Format | undefined;
  let data: { at: number; size: number } | undefined;
  let at = 12;
  while (at + 8 <= b.length && !(fmt && data)) {
    const id = fourCC(b, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    const remaining = b.length - body;
    if (id === 'data') {
      if (size > remaining) {
        fail(`the 'data' chunk claims ${size} bytes but only ${remaining} follow: the file is truncated (or was written by a streaming tool that never finalised the header)`);
      }
      data = { at: body, size };
    } else if (id === 'fmt ') {
      if (size > remaining) fail(`the 'fmt ' chunk claims ${size} bytes but only ${remaining} follow: the file is truncated`);
      fmt = readFormat(b, view, body, size, fail);
    } else if (size > remaining) {
      fail(`chunk ${showId(id)} at byte ${at} claims ${size} bytes but only ${remaining} follow, before the ${fmt ? "'data'" : "'fmt '"} chunk was found: the file is truncated or corrupted`);
    }
    at = body + size + (size & 1); // chunks are padded to an even size
  }
  if (!fmt) fail(data ? "no 'fmt ' chunk: the sample format is unknown" : "no 'fmt ' chunk and no 'data' chunk: the file is truncated or not audio");
  if (!data) fail("no 'data' chunk: the file holds no audio (truncated?)");
  return decodeSamples(b.subarray(data!.at, data!.at + data!.size), view, data!.at, fmt!, fail);
}

function readFormat(b: Uint8Array, view: DataView, at: number, size: number, fail: (what: string) => never): Format {
  if (size < 16) fail(`the 'fmt ' chunk is ${size} bytes; it needs at least 16`);
  let code = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (code === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) fail(`WAVE_FORMAT_EXTENSIBLE needs a 40-byte 'fmt ' chunk, found ${size} bytes`);
    const guidTailOk = SUBFORMAT_GUID_TAIL.every((v, i) => b[at + 26 + i] === v);
    code = view.getUint16(at + 24, true);
    if (!guidTailOk) fail('WAVE_FORMAT_EXTENSIBLE with an unknown subformat GUID; only PCM and IEEE float are supported');
    const valid = view.getUint16(at + 18, true);
    if (valid > bitsPerSample) fail(`WAVE_FORMAT_EXTENSIBLE declares ${valid} valid bits in a ${bitsPerSample}-bit sample`);
  }
  if (code !== WAVE_FORMAT_PCM && code !== WAVE_FORMAT_IEEE_FLOAT) {
    const name = OTHER_FORMATS[code];
    fail(`unsupported encoding ${name ? `${name} ` : ''}(format code ${code}); convert it to PCM, e.g. ffmpeg -i in.wav -c:a pcm_s16le out.wav`);
  }
  if (channels === 0 || channels > MAX_WAV_CHANNELS) fail(`channel count ${channels} is outside 1..${MAX_WAV_CHANNELS}`);
  if (sampleRate < MIN_WAV_SAMPLE_RATE || sampleRate > MAX_WAV_SAMPLE_RATE) {
    fail(`sample rate ${sampleRate} Hz is outside ${MIN_WAV_SAMPLE_RATE}..${MAX_WAV_SAMPLE_RATE} Hz (a corrupted header, or not a sound recording)`);
  }
  const allowed = code === WAVE_FORMAT_PCM ? [8, 16, 24, 32] : [32, 64];
  const container = Math.ceil(bitsPerSample / 8) * 8;
  if (!allowed.includes(container) || (code === WAVE_FORMAT_IEEE_FLOAT && bitsPerSample !== container)) {
    fail(`${code === WAVE_FORMAT_PCM ? 'integer PCM' : 'IEEE float'} with ${bitsPerSample} bits per sample is not supported (expected ${allowed.join(', ')})`);
  }
  if (blockAlign !== channels * (container / 8)) {
    fail(`block align ${blockAlign} does not match ${channels} channel(s) of ${container / 8} bytes`);
  }
  return { code, channels, sampleRate, blockAlign, bitsPerSample: container };
}

function decodeSamples(data: Uint8Array, view: DataView, offset: number, f: Format, fail: (what: string) => never): DecodedWav {
  const frames = Math.floor(data.length / f.blockAlign);
  if (frames === 0) fail(`the 'data' chunk holds no complete sample (${data.length} bytes, ${f.blockAlign} bytes per frame)`);
  const bytesPer = f.bitsPerSample / 8;
  const isFloat = f.code === WAVE_FORMAT_IEEE_FLOAT;
  const read = sampleReader(view, isFloat, bytesPer);
  const out = new Float32Array(frames);
  const inv = 1 / f.channels;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    let p = offset + i * f.blockAlign;
    for (let c = 0; c < f.channels; c++, p += bytesPer) sum += read(p);
    if (isFloat && !Number.isFinite(sum)) fail(`frame ${i} holds a NaN or infinite sample; the float data is corrupted`);
    out[i] = f.channels === 1 ? sum : sum * inv;
  }
  return { samples: out, sampleRate: f.sampleRate, channels: f.channels, bitsPerSample: f.bitsPerSample, encoding: isFloat ? 'float' : 'pcm' };
}

/** One sample at byte `p`, scaled to [-1, 1) like torchaudio.load (8-bit PCM is unsigned with 128 as zero). */
function sampleReader(view: DataView, isFloat: boolean, bytesPer: number): (p: number) => number {
  if (isFloat) return bytesPer === 4 ? (p) => view.getFloat32(p, true) : (p) => view.getFloat64(p, true);
  switch (bytesPer) {
    case 1:
      return (p) => (view.getUint8(p) - 128) / 128;
    case 2:
      return (p) => view.getInt16(p, true) / 32768;
    case 3:
      return (p) => (((view.getUint8(p + 2) << 24) | (view.getUint8(p + 1) << 16) | (view.getUint8(p) << 8)) >> 8) / 8388608;
    default:
      return (p) => view.getInt32(p, true) / 2147483648;
  }
}
