// Mono samples as a 32-bit float WAV file: how a microphone recording (or the kept part of a
// long file) enters the same front end as a dropped file, without losing precision.

/**
 * A RIFF/WAVE file of `samples` at `sampleRate`: one channel, IEEE float 32-bit (format 3),
 * with the 'fact' chunk non-PCM files carry. `decodeWav` reads it back to the same samples.
 *
 * @param samples mono samples, nominally in [-1, 1]
 * @param sampleRate a positive whole number of Hz
 * @example
 * const bytes = encodeWavFloat32(recording, 48000); // 58 + 4 * recording.length bytes
 */
export function encodeWavFloat32(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError(`encodeWavFloat32: sampleRate must be a positive integer, got ${sampleRate}`);
  const dataBytes = samples.length * 4;
  const out = new Uint8Array(58 + dataBytes);
  const v = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((ch, i) => v.setUint8(at + i, ch.charCodeAt(0)));
  text(0, 'RIFF');
  v.setUint32(4, 50 + dataBytes, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  v.setUint32(16, 18, true); // WAVEFORMATEX with cbSize
  v.setUint16(20, 3, true); // WAVE_FORMAT_IEEE_FLOAT
  v.setUint16(22, 1, true); // channels
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 4, true); // bytes per second
  v.setUint16(32, 4, true); // block align
  v.setUint16(34, 32, true); // bits per sample
  v.setUint16(36, 0, true); // cbSize
  text(38, 'fact');
  v.setUint32(42, 4, true);
  v.setUint32(46, samples.length, true);
  text(50, 'data');
  v.setUint32(54, dataBytes, true);
  for (let i = 0; i < samples.length; i++) v.setFloat32(58 + i * 4, samples[i]!, true);
  return out;
}
