import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { Tensor } from '../../../src/tensor/tensor.js';
import { Rng } from '../../../src/tensor/random.js';
import { gru, lstm, rnn } from '../../../src/nn/layers/factories.js';
import type { RecurrentLayer, RecurrentState } from '../../../src/nn/layers/recurrent.js';
import type { RecurrentOptions } from '../../../src/nn/layers/recurrent-options.js';

/** Feeds for onnxruntime: float tensors as float32, Int32Array/number[] as int32 (or int64 when asked). */
export type Feed =
  | Tensor
  | { int32: ArrayLike<number>; shape: number[] }
  | { int64: ArrayLike<number>; shape: number[] }
  | { float64: ArrayLike<number>; shape: number[] };

export async function runOrt(bytes: Uint8Array, feeds: Record<string, Feed>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3 });
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) {
    if (v instanceof Tensor) ortFeeds[k] = new ort.Tensor('float32', v.data, [...v.shape]);
    else if ('int32' in v) ortFeeds[k] = new ort.Tensor('int32', Int32Array.from(v.int32), v.shape);
    else if ('float64' in v) ortFeeds[k] = new ort.Tensor('float64', Float64Array.from(v.float64), v.shape);
    else ortFeeds[k] = new ort.Tensor('int64', BigInt64Array.from(Array.from(v.int64, (n) => BigInt(n))), v.shape);
  }
  const res = await session.run(ortFeeds);
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(res)) {
    out[k] = new Tensor(v.data instanceof Float32Array ? v.data : Float32Array.from(v.data as ArrayLike<number>), v.dims.map(Number));
  }
  await session.release();
  return out;
}

/** Largest absolute difference, after asserting equal shapes. */
export function maxDiff(actual: Tensor, expected: Tensor, what: string): number {
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape`);
  let m = 0;
  for (let i = 0; i < actual.size; i++) m = Math.max(m, Math.abs(actual.data[i]! - expected.data[i]!));
  return m;
}

export function assertClose(actual: Tensor, expected: Tensor, what: string, tol = 1e-5): number {
  const d = maxDiff(actual, expected, what);
  assert.ok(d <= tol, `${what}: max abs difference ${d} > ${tol}`);
  return d;
}

export function randomTensor(shape: number[], rng: Rng, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-scale, scale);
  return new Tensor(data, shape);
}

/** Tracks the largest error seen per label, for the report printed at the end of a file. */
export class ErrorLog {
  private readonly errors = new Map<string, number>();
  add(label: string, err: number): void {
    this.errors.set(label, Math.max(err, this.errors.get(label) ?? 0));
  }
  max(): number {
    return Math.max(0, ...this.errors.values());
  }
  summary(): string {
    return [...this.errors].map(([k, v]) => `${k}: ${v.toExponential(2)}`).join('\n');
  }
}

export type LayerKind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru';

export function makeLayer(kind: LayerKind, opts: RecurrentOptions): RecurrentLayer<RecurrentState> {
  if (kind === 'lstm') return lstm(opts);
  if (kind === 'gru') return gru(opts);
  return rnn({ ...opts, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' });
}

