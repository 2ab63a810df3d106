import { Rng, Tensor } from '../../src/index.js';

/** A tensor of uniform(-scale, scale) values from a seeded generator. */
export function randomTensor(shape: number[], rng: Rng, scale = 1, requiresGrad = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-scale, scale);
  return new Tensor(data, shape, { requiresGrad });
}

/**
 * Compares the analytic gradient of `loss` with central differences for up to `samples`
 * entries of each tensor in `wrt`. `loss` must rebuild the graph from the current values
 * and return a float64 number for the finite differences.
 */
export function gradCheck(
  wrt: Array<[string, Tensor]>,
  analytic: Map<Tensor, Float32Array>,
  loss: () => number,
  rng: Rng,
  options: { eps?: number; atol?: number; rtol?: number; samples?: number; signature?: () => string } = {},
): string[] {
  const eps = options.eps ?? 5e-3;
  const atol = options.atol ?? 2e-3;
  const rtol = options.rtol ?? 2e-2;
  const samples = options.samples ?? 10;
  const failures: string[] = [];
  let skipped = 0;
  let total = 0;
  for (const [name, t] of wrt) {
    const g = analytic.get(t) ?? new Float32Array(t.size);
    const picks = t.size <= samples ? [...Array(t.size).keys()] : Array.from({ length: samples }, () => rng.int(t.size));
    for (const i of picks) {
      total++;
      const orig = t.data[i]!;
      t.data[i] = orig + eps;
      const up = loss();
      const sigUp = options.signature?.();
      t.data[i] = orig - eps;
      const down = loss();
      const sigDown = options.signature?.();
      t.data[i] = orig;
      // A relu kink between the two probes makes the difference quotient meaningless there.
      if (sigUp !== sigDown) {
        skipped++;
        continue;
      }
      // The step actually taken in float32, not the nominal eps.
      const h = Math.fround(orig + eps) - Math.fround(orig - eps);
      const numeric = (up - down) / h;
      const a = g[i]!;
      if (!(Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric))) {
        failures.push(`${name}[${i}]: analytic ${a.toExponential(4)} vs numeric ${numeric.toExponential(4)}`);
      }
    }
  }
  if (skipped > total / 5) failures.push(`${skipped} of ${total} probes crossed a kink: too many to trust the check`);
  return failures;
}
