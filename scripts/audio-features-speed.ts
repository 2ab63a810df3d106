/**
 * Times the audio front end on the Free Spoken Digit Dataset (data/spoken_digits, 2,500 WAVs):
 * decode, resample, log-mel or MFCC, for each configuration, single-threaded, files already in
 * memory (reading them from disk is timed separately). Then a sanity check that needs no
 * training: nearest class centroid on each recording's per-band mean and std of normalised
 * features, one speaker held out at a time (a floor for the recurrent classifier to beat).
 *
 *   node --import tsx scripts/audio-features-speed.ts              every configuration
 *   node --import tsx scripts/audio-features-speed.ts --limit 500  the first 500 files
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeWav, wavFeatures, FeatureNormaliser, type AudioFeatureOptions, type Frames } from '../src/data/audio/index.js';

const DIR = fileURLToPath(new URL('../data/spoken_digits/', import.meta.url));
const limitAt = process.argv.indexOf('--limit');
const limit = limitAt > 0 ? Number(process.argv[limitAt + 1]) : Infinity;

const t0 = performance.now();
const names = readdirSync(DIR).filter((f) => f.endsWith('.wav')).sort().slice(0, limit);
const files = names.map((f) => readFileSync(join(DIR, f)));
const readMs = performance.now() - t0;

let audioSeconds = 0;
const t1 = performance.now();
for (const [i, b] of files.entries()) {
  const w = decodeWav(b, { source: names[i] });
  audioSeconds += w.samples.length / w.sampleRate;
}
const decodeMs = performance.now() - t1;
console.log(`${files.length} files, ${audioSeconds.toFixed(1)} s of audio (${(files.reduce((n, b) => n + b.length, 0) / 2 ** 20).toFixed(1)} MiB); read ${readMs.toFixed(0)} ms, decode ${decodeMs.toFixed(0)} ms`);

const configs: Array<[string, AudioFeatureOptions]> = [
  ['log-mel 40, 8 kHz (native)', { targetRate: 8000 }],
  ['MFCC 13, 8 kHz (native)', { targetRate: 8000, features: 'mfcc' }],
  ['log-mel 40, 16 kHz (resampled)', { targetRate: 16000 }],
  ['MFCC 13, 16 kHz (resampled)', { targetRate: 16000, features: 'mfcc' }],
];
/** Per-band mean and std over a recording's frames: a fixed-size summary. */
function pooled(f: Frames): Float64Array {
  const w = f.width;
  const out = new Float64Array(2 * w);
  for (let b = 0; b < w; b++) {
    let s = 0;
    let q = 0;
    for (let t = 0; t < f.frames; t++) s += f.data[t * w + b]!;
    const m = s / f.frames;
    for (let t = 0; t < f.frames; t++) q += (f.data[t * w + b]! - m) ** 2;
    out[b] = m;
    out[w + b] = Math.sqrt(q / f.frames);
  }
  return out;
}

/** Accuracy of nearest class centroid on pooled features, per held-out speaker. */
function heldOutSpeakerAccuracy(feats: Frames[]): string {
  const speakers = [...new Set(names.map((n) => n.split('_')[1]!))];
  return speakers
    .map((sp) => {
      const isTest = names.map((n) => n.split('_')[1] === sp);
      const norm = FeatureNormaliser.fit(feats.filter((_, i) => !isTest[i]));
      const x = feats.map((f) => pooled(norm.apply(f)));
      const digit = names.map((n) => Number(n.split('_')[0]));
      const dim = x[0]!.length;
      const centroids = Array.from({ length: 10 }, () => new Float64Array(dim));
      const counts = new Array<number>(10).fill(0);
      x.forEach((v, i) => {
        if (isTest[i]) return;
        counts[digit[i]!]!++;
        v.forEach((a, k) => (centroids[digit[i]!]![k] += a));
      });
      centroids.forEach((c, d) => c.forEach((_, k) => (c[k] /= counts[d]!)));
      let right = 0;
      let total = 0;
      x.forEach((v, i) => {
        if (!isTest[i]) return;
        const dist = centroids.map((c) => c.reduce((a, ck, k) => a + (ck - v[k]!) ** 2, 0));
        right += dist.indexOf(Math.min(...dist)) === digit[i] ? 1 : 0;
        total++;
      });
      return `${sp} ${(right / total).toFixed(3)}`;
    })
    .join(', ');
}

for (const [label, options] of configs) {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const feats: Frames[] = files.map((b, i) => wavFeatures(b, { ...options, source: names[i] }));
  const ms = performance.now() - t;
  // CPU time as well: on a shared machine the wall clock also counts other processes' turns.
  const cpuMs = process.cpuUsage(cpu).user / 1000;
  const frames = feats.reduce((n, f) => n + f.frames, 0);
  // Normaliser fitted on four speakers (theo held out), as a speaker-independent split would.
  const tn = performance.now();
  FeatureNormaliser.fit(feats.filter((_, i) => !names[i]!.includes('_theo_')));
  const fitMs = performance.now() - tn;
  console.log(
    `${label.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms (CPU ${cpuMs.toFixed(0)} ms)  ${((files.length / ms) * 1000).toFixed(0).padStart(5)} files/s  ` +
      `${(audioSeconds / (ms / 1000)).toFixed(0).padStart(4)}x real time  ${frames} frames (${(frames / files.length).toFixed(1)}/file, max ${Math.max(...feats.map((f) => f.frames))})  normaliser fit ${fitMs.toFixed(0)} ms`,
  );
  if (files.length === 2500) console.log(`  nearest centroid of pooled features, speaker held out: ${heldOutSpeakerAccuracy(feats)}`);
}
