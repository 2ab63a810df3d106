// The audio view's data logic, free of the DOM (tested in Node, test/web/audio-trace.test.ts):
// one recording read as the CLI reads it (WAV -> features -> the checkpoint's normaliser), the
// recurrent layers' gates and states frame by frame, and the prediction after each prefix
// (audio-prefix.ts: the recording cut after frame t, read again).
import { clipFeatures, decodeWav, hzToMel, melToHz, noGrad, predictClips, resolveMelOptions, softmax, speakerNormalised, Tensor, withEval } from 'recur';
import type { Frames, MelOptions } from 'recur';
import type { AudioModel } from './audio-model.js';
import { prefixEnds, prefixProbabilities } from './audio-prefix.js';
import { encodeWavFloat32 } from './audio-wav-encode.js';

/** What one layer and direction did at each frame, time-major [T, H]. */
export interface LayerTrace {
  layer: number;
  direction: 0 | 1;
  /** LSTM i, f, g, o; GRU r, z, n; none for a plain RNN. */
  gates: Record<string, Float32Array>;
  /** LSTM cell state, else null. */
  c: Float32Array | null;
  h: Float32Array;
}

/** One recording as the model read it. Frame arrays are time-major [T, width] or [T, H]. */
export interface ClipAnalysis {
  name: string;
  T: number;
  /** Values per frame: mel bands or MFCCs. */
  width: number;
  /** Features as computed (log-mel or MFCC, after the spec's per-recording steps). */
  raw: Float32Array;
  /** What the model reads: `raw` through the checkpoint's normaliser (a speakerNorm model: by its own statistics first, as `recur predict` reads one file). */
  input: Float32Array;
  H: number;
  /** Index layer * directions + direction. */
  traces: LayerTrace[];
  labels: string[];
  /** Class probabilities of the whole clip: what `recur predict` prints. */
  probs: number[];
  predicted: number;
  /** The prefix lengths (frames) the model was run on, increasing, the last = T. */
  prefixEnds: number[];
  /**
   * [T, classes]: at frame t, the probabilities of the longest prefix run that ends at or before
   * t, each prefix being the recording cut after its last frame, read again by the front end.
   */
  prefixProbs: Float32Array;
  /** Seconds between frames, and the recording's length in seconds (as decoded, before any cut). */
  hopSeconds: number;
  seconds: number;
  /** Set when only the first `keptSeconds` of a longer recording were read. */
  keptSeconds: number | null;
  /** The decoded mono samples that were read, with their rate (for playing the clip). */
  samples: Float32Array;
  sampleRate: number;
}

/** Longest piece of a recording the view reads (the digit model was trained on words under 1 s). */
export const MAX_SECONDS = 10;

/** Gates and states of every layer and direction over one clip [T, width] (normalised). */
export function traceLayers(m: AudioModel, input: Frames): { traces: LayerTrace[]; H: number } {
  return noGrad(() =>
    withEval(m.model, () => {
      const x = new Tensor(input.data.slice(), [input.frames, 1, input.width]);
      const res = m.model.rnn.forward(x, undefined, { trace: true, lengths: [input.frames] });
      const traces = res.trace!.map((tr) => ({
        layer: tr.layer,
        direction: tr.direction,
        gates: Object.fromEntries(Object.entries(tr.gates).map(([k, g]) => [k, g.data])),
        c: tr.c?.data ?? null,
        h: tr.h.data,
      }));
      return { traces, H: res.trace![0]!.h.shape[2]! };
    }),
  );
}

/** Seconds between frames of a spec's features (the hop at its rate). */
export function hopSeconds(audio: AudioModel['audio']): number {
  // The spec's own fields pass through, so a spec with window or hop settings is followed.
  const r = resolveMelOptions(audio.targetRate, audio as unknown as MelOptions);
  return r.hopLength / audio.targetRate;
}

/**
 * What each feature row means, for labels: the centre frequency (Hz) of each mel band of a
 * log-mel spec, or null for MFCCs (coefficient k has no frequency).
 *
 * @example
 * bandCentres(audio); // [45, 91, ..., 3743] for 40 bands at 8 kHz
 */
export function bandCentres(audio: AudioModel['audio']): number[] | null {
  if (audio.features === 'mfcc') return null;
  const r = resolveMelOptions(audio.targetRate, audio as unknown as MelOptions);
  const lo = hzToMel(r.fMin, r.melScale);
  const hi = hzToMel(r.fMax, r.melScale);
  return Array.from({ length: r.nMels }, (_, b) => melToHz(lo + ((hi - lo) * (b + 1)) / (r.nMels + 1), r.melScale));
}

/**
 * The label a file name carries by the model's --label-pattern, when it has one and the
 * label is one the model knows; else null (a folder-per-class model, or an unrelated name).
 *
 * @example
 * labelFromName(m, '7_theo_17.wav'); // '7' with labelPattern '^(\d)_'
 */
export function labelFromName(m: AudioModel, name: string): string | null {
  const pattern = m.audio.labelPattern;
  if (pattern === undefined) return null;
  const base = name.split(/[\\/]/).pop() ?? name;
  const label = new RegExp(pattern).exec(base)?.[1];
  return label !== undefined && m.encoding.labels.includes(label) ? label : null;
}

/**
 * Reads one recording (WAV bytes) as `recur predict` does and traces it. A recording longer
 * than `maxSeconds` is cut to its first `maxSeconds` (said in `keptSeconds`). A file that is
 * not a readable WAV throws the decoder's FormatError, naming `name`.
 *
 * @example
 * const a = analyseWav(model, bytes, '7_theo_17.wav');
 * a.labels[a.predicted]; // '7'
 */
export function analyseWav(m: AudioModel, bytes: Uint8Array, name: string, maxSeconds = MAX_SECONDS): ClipAnalysis {
  const wav = decodeWav(bytes, { source: name });
  const seconds = wav.samples.length / wav.sampleRate;
  const cut = seconds > maxSeconds;
  const samples = cut ? wav.samples.slice(0, Math.round(maxSeconds * wav.sampleRate)) : wav.samples;
  // A cut recording goes through the same front end as a file: mono float32 WAV bytes.
  const raw = clipFeatures(cut ? encodeWavFloat32(samples, wav.sampleRate) : bytes, m.audio, name);
  if (raw.width !== m.normaliser.width) throw new Error(`${name}: ${raw.width} features per frame, but the model's normaliser has ${m.normaliser.width}`);
  // A model trained with per-speaker statistics: one file alone is its own speaker.
  const input = m.normaliser.apply(speakerNormalised([raw], [name], m.audio, 'together')[0]!);
  const { logits } = predictClips(m.model, [input]);
  const probs = softmax(logits[0]!);
  const ends = prefixEnds(input.frames);
  const { traces, H } = traceLayers(m, input);
  return {
    name,
    T: input.frames,
    width: input.width,
    raw: Float32Array.from(raw.data),
    input: Float32Array.from(input.data),
    H,
    traces,
    labels: m.encoding.labels,
    probs,
    predicted: probs.indexOf(Math.max(...probs)),
    prefixEnds: ends,
    prefixProbs: prefixProbabilities(m, { samples, sampleRate: wav.sampleRate, name }, input.frames, ends).probs,
    hopSeconds: hopSeconds(m.audio),
    seconds,
    keptSeconds: cut ? maxSeconds : null,
    samples,
    sampleRate: wav.sampleRate,
  };
}

/** The most likely class of each frame's prefix probabilities [T, C]. */
export function argmaxRows(probs: Float32Array, C: number): number[] {
  const out: number[] = [];
  for (let t = 0; t * C < probs.length; t++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[t * C + c]! > probs[t * C + best]!) best = c;
    out.push(best);
  }
  return out;
}

/**
 * The first frame from which the prefix prediction stays on `cls` to the end, or null if the
 * last frame's prediction is another class: "the model was sure from 240 ms on".
 */
export function settledFrom(probs: Float32Array, C: number, cls: number): number | null {
  const top = argmaxRows(probs, C);
  if (top[top.length - 1] !== cls) return null;
  let t = top.length - 1;
  while (t > 0 && top[t - 1] === cls) t--;
  return t;
}
