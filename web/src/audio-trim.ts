// A microphone recording trimmed to the word: the spoken-digit recordings the model learnt
// from were cut to the word, and seconds of room noise around it would be new to it.

/**
 * The samples from 50 ms before the first to 50 ms after the last 10 ms block whose RMS reaches
 * `relative` of the loudest block's (the whole recording when it is silent or all loud).
 *
 * @example
 * const word = trimToWord(recording, 48000); // [start, end) of the word, with 50 ms margins
 */
export function trimToWord(samples: Float32Array, sampleRate: number, relative = 0.1): { start: number; end: number } {
  const block = Math.max(1, Math.round(sampleRate / 100));
  const n = Math.ceil(samples.length / block);
  const rms = new Float64Array(n);
  for (let b = 0; b < n; b++) {
    let s = 0;
    const end = Math.min(samples.length, (b + 1) * block);
    for (let i = b * block; i < end; i++) s += samples[i]! * samples[i]!;
    rms[b] = Math.sqrt(s / Math.max(1, end - b * block));
  }
  const peak = Math.max(0, ...rms);
  if (!(peak > 1e-4)) return { start: 0, end: samples.length };
  let first = 0;
  while (rms[first]! < relative * peak) first++;
  let last = n - 1;
  while (rms[last]! < relative * peak) last--;
  const margin = 5 * block;
  return { start: Math.max(0, first * block - margin), end: Math.min(samples.length, (last + 1) * block + margin) };
}
