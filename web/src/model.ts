// Loads a `recur train` checkpoint (config.json + model.safetensors) and runs text through
// it with recur's trace, keeping per-step gates, states and next-character probabilities.
import { modelFromSpec, noGrad, parseCheckpointConfig, readSafetensors, softmax } from 'recur';
import type { CharLm, CheckpointConfig, Vocabulary } from 'recur';
import { fetchCheckpoint, type CheckpointBytes } from './checkpoint-files.js';

export interface CharModel {
  config: CheckpointConfig;
  model: CharLm;
  vocab: Vocabulary;
  /** Where it came from, for the page and for error messages. */
  source: string;
}

/** One text read by the model: arrays are time-major [T, H] (or [T, V] for probs). */
export interface TextTrace {
  text: string;
  T: number;
  H: number;
  V: number;
  cell: 'lstm' | 'gru' | 'rnn';
  gates: Record<string, Float32Array>;
  c: Float32Array | null;
  h: Float32Array;
  probs: Float32Array;
  /** The character ids read (unknown characters read as the vocabulary's `unknown`). */
  ids: Int32Array;
  /** Steps whose character the model does not know. */
  unknown: Set<number>;
}

export function modelFromBytes(configJson: unknown, weights: Uint8Array, source: string): CharModel {
  const config = parseCheckpointConfig(configJson, `${source}config.json`);
  const loaded = modelFromSpec(config.spec, config.saved, `${source}config.json`);
  if (loaded.kind !== 'charlm') throw new Error(`${source} holds a ${loaded.kind} model; the visualiser reads character language models`);
  loaded.model.loadStateDict(readSafetensors(weights, `${source}model.safetensors`));
  loaded.model.eval();
  return { config, model: loaded.model, vocab: loaded.vocab, source };
}

/** Fetches a checkpoint served under a base URL (the bundled one, or `recur viz DIR`'s); `fetched`: its files, when already on their way. */
export async function fetchModel(base: string, fetched: Promise<CheckpointBytes> = fetchCheckpoint(base)): Promise<CharModel> {
  const { config, weights, source } = await fetched;
  return modelFromBytes(config, weights, source);
}

/** Reads a text one character at a time and records what the top recurrent layer did (multi-layer models: the top layer only). */
export function traceText(m: CharModel, text: string): TextTrace {
  const chars = text.length > 0 ? text : ' ';
  return noGrad(() => {
    const ids = m.vocab.encode(chars);
    const T = ids.length;
    const x = m.model.embedding.forward(ids, [T, 1]);
    const res = m.model.rnn.forward(x, undefined, { trace: true });
    const tr = res.trace![res.trace!.length - 1]!;
    const logits = m.model.fc.forward(res.output).data;
    const V = m.vocab.size;
    const probs = new Float32Array(T * V);
    for (let t = 0; t < T; t++) probs.set(softmax(logits.subarray(t * V, (t + 1) * V)), t * V);
    const gates: Record<string, Float32Array> = {};
    for (const [k, g] of Object.entries(tr.gates)) gates[k] = g.data;
    const H = tr.h.shape[2]!;
    const known = new Set(m.vocab.chars);
    const unknown = new Set([...chars].flatMap((ch, t) => (known.has(ch) ? [] : [t])));
    return { text: chars, T, H, V, cell: m.config.spec.model.cell, gates, c: tr.c?.data ?? null, h: tr.h.data, probs, ids, unknown };
  });
}

/** The k most likely next characters after step t. */
export function topNext(m: CharModel, tr: TextTrace, t: number, k = 8): Array<{ char: string; p: number }> {
  const row = tr.probs.subarray(t * tr.V, (t + 1) * tr.V);
  return Array.from(row, (p, i) => ({ char: m.vocab.chars[i]!, p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
}

export { showChar } from './chars.js';
