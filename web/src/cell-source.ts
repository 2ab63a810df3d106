// What the cell diagram draws from: one sequence read by one model, arrays [T, H].
// Panel 1 (a text) and the remember view (a recall sequence) both provide one.
export interface CellSource {
  cell: 'lstm' | 'gru' | 'rnn';
  T: number;
  H: number;
  gates: Record<string, Float32Array>;
  c: Float32Array | null;
  h: Float32Array;
  /** What the model read at step t, for captions. */
  input(t: number): string;
  /** Where the sequence comes from, e.g. "the text in panel 1". */
  origin: string;
}

/** Variant b of time-major [T, B, H] data, as [T, H]. */
export function variantOf(data: Float32Array, T: number, B: number, H: number, b: number): Float32Array {
  const out = new Float32Array(T * H);
  for (let t = 0; t < T; t++) out.set(data.subarray((t * B + b) * H, (t * B + b + 1) * H), t * H);
  return out;
}
