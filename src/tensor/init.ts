import type { Rng } from './random.js';

/** Fills `out` with uniform(-bound, bound): PyTorch's default for recurrent and linear weights. */
export function fillUniform(out: Float32Array, bound: number, rng: Rng): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-bound, bound);
}

/**
 * Writes an orthogonal [rows, cols] matrix at `offset` of `out` (row-major): orthonormal
 * columns when rows >= cols, orthonormal rows otherwise (as torch.nn.init.orthogonal_).
 * Gram-Schmidt on a Gaussian matrix, re-orthogonalised once for float accuracy.
 */
export function fillOrthogonal(out: Float32Array, offset: number, rows: number, cols: number, rng: Rng): void {
  const tall = rows >= cols;
  const n = tall ? rows : cols; // vector length
  const k = tall ? cols : rows; // number of vectors
  const v: Float64Array[] = [];
  for (let i = 0; i < k; i++) {
    let vec = new Float64Array(n);
    for (;;) {
      for (let j = 0; j < n; j++) vec[j] = rng.normal();
      for (let pass = 0; pass < 2; pass++) {
        for (const u of v) {
          let dot = 0;
          for (let j = 0; j < n; j++) dot += u[j]! * vec[j]!;
          for (let j = 0; j < n; j++) vec[j]! -= dot * u[j]!;
        }
      }
      let norm = 0;
      for (let j = 0; j < n; j++) norm += vec[j]! * vec[j]!;
      norm = Math.sqrt(norm);
      if (norm > 1e-6) {
        vec = vec.map((x) => x / norm);
        break;
      }
    }
    v.push(vec);
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[offset + r * cols + c] = tall ? v[c]![r]! : v[r]![c]!;
    }
  }
}
