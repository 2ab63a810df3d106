// Builds WAV files byte by byte for the decoder tests and the fuzzer, independently of the
// decoder: each sample is written with DataView at its stated width and sign.

export type WavEncoding = 'u8' | 's16' | 's24' | 's32' | 'f32' | 'f64';

const enc = new TextEncoder();

/** One RIFF chunk: 4-char id, little-endian u32 size (`declared` overrides it), body, a pad byte when odd. */
export function chunk(id: string, body: Uint8Array, declared?: number): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(enc.encode(id.padEnd(4).slice(0, 4)), 0);
  new DataView(out.buffer).setUint32(4, declared ?? body.length, true);
  out.set(body, 8);
  return out;
}

/** RIFF + size + WAVE + the chunks, in the order given. */
export function riff(chunks: Uint8Array[]): Uint8Array {
  const size = 4 + chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(8 + size);
  out.set(enc.encode('RIFF'), 0);
  new DataView(out.buffer).setUint32(4, size, true);
  out.set(enc.encode('WAVE'), 8);
  let at = 12;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const BITS: Record<WavEncoding, number> = { u8: 8, s16: 16, s24: 24, s32: 32, f32: 32, f64: 64 };

/** A 16-byte 'fmt ' body (or 40 bytes for WAVE_FORMAT_EXTENSIBLE). */
export function fmtBody(encoding: WavEncoding, channels: number, sampleRate: number, extensible = false): Uint8Array {
  const bits = BITS[encoding];
  const code = encoding.startsWith('f') ? 3 : 1;
  const body = new Uint8Array(extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  v.setUint16(0, extensible ? 0xfffe : code, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, sampleRate, true);
  v.setUint32(8, (sampleRate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  if (extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, bits, true);
    v.setUint32(20, channels === 1 ? 4 : 3, true);
    v.setUint16(24, code, true);
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return body;
}

/** Raw interleaved sample bytes from integer (or float) values as stored: `frames[i][c]`. */
export function dataBody(encoding: WavEncoding, frames: number[][]): Uint8Array {
  const bytes = BITS[encoding] / 8;
  const channels = frames[0]?.length ?? 1;
  const body = new Uint8Array(frames.length * channels * bytes);
  const v = new DataView(body.buffer);
  let p = 0;
  for (const frame of frames) {
    for (const s of frame) {
      if (encoding === 'u8') v.setUint8(p, s);
      else if (encoding === 's16') v.setInt16(p, s, true);
      else if (encoding === 's24') {
        v.setUint8(p, s & 0xff);
        v.setUint8(p + 1, (s >> 8) & 0xff);
        v.setUint8(p + 2, (s >> 16) & 0xff);
      } else if (encoding === 's32') v.setInt32(p, s, true);
      else if (encoding === 'f32') v.setFloat32(p, s, true);
      else v.setFloat64(p, s, true);
      p += bytes;
    }
  }
  return body;
}

/** A complete WAV: fmt then data (stored values `frames[i][c]`). */
export function wavFile(encoding: WavEncoding, sampleRate: number, frames: number[][], extensible = false): Uint8Array {
  return riff([chunk('fmt ', fmtBody(encoding, frames[0]?.length ?? 1, sampleRate, extensible)), chunk('data', dataBody(encoding, frames))]);
}
