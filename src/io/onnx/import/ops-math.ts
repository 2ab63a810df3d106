import type { Kernel, NodeContext } from './node-context.js';
import { DataType } from '../schema.js';
import { checkedSize, floatValue, intValue, isFloatType, isIntType, type Value } from '../values.js';

/** Arithmetic operators: element-wise with numpy broadcasting, matrix products, softmax, casts. */

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

function broadcastShape(ctx: NodeContext, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) ctx.shapeError(`shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Strides of `shape` read as broadcast to rank `r` (0 on broadcast axes). */
function broadcastStrides(shape: readonly number[], r: number): number[] {
  const s = stridesOf(shape);
  return Array.from({ length: r }, (_, i) => {
    const k = i - (r - shape.length);
    return k < 0 || shape[k] === 1 ? 0 : s[k]!;
  });
}

/** Element-wise f(a, b); a comparison gives 0/1 integers (ONNX bool). */
function binary(ctx: NodeContext, f: (x: number, y: number) => number, compare = false): Kernel {
  return (inputs) => {
    const a = ctx.anyInput(inputs, 0, 'A');
    const b = ctx.anyInput(inputs, 1, 'B');
    if (a.kind !== b.kind) ctx.shapeError(`inputs mix float and integer tensors`);
    const shape = broadcastShape(ctx, a.shape, b.shape);
    const n = checkedSize(shape, ctx.where);
    const r = shape.length;
    const sa = broadcastStrides(a.shape, r);
    const sb = broadcastStrides(b.shape, r);
    const out = a.kind === 'float' && !compare ? new Float32Array(n) : new Float64Array(n);
    const idx = new Array<number>(r).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < n; i++) {
      out[i] = f(a.data[ia]!, b.data[ib]!);
      for (let d = r - 1; d >= 0; d--) {
        ia += sa[d]!;
        ib += sb[d]!;
        if (++idx[d]! < shape[d]!) break;
        ia -= sa[d]! * shape[d]!;
        ib -= sb[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
    if (a.kind === 'int' && !compare) for (let i = 0; i < n; i++) out[i] = Math.trunc(out[i]!); // integer division truncates
    return [out instanceof Float32Array ? floatValue(out, shape) : intValue(out, shape)];
  };
}

function unary(ctx: NodeContext, f: (x: number) => number): Kernel {
  return (inputs) => {
    const x = ctx.floatInput(inputs, 0, 'X');
    return [floatValue(x.data.map(f), x.shape)];
  };
}

/** [..., M, K] x [..., K, N] with broadcast batch axes; 1-D operands as in numpy.matmul. */
function matmul(ctx: NodeContext): Kernel {
  return (inputs) => {
    const a = ctx.floatInput(inputs, 0, 'A');
    const b = ctx.floatInput(inputs, 1, 'B');
    const as = a.shape.length === 1 ? [1, a.shape[0]!] : [...a.shape];
    const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : [...b.shape];
    const [M, K] = as.slice(-2) as [number, number];
    const [K2, N] = bs.slice(-2) as [number, number];
    if (K !== K2) ctx.shapeError(`inner dimensions differ: [${a.shape.join(', ')}] x [${b.shape.join(', ')}]`);
    const batch = broadcastShape(ctx, as.slice(0, -2), bs.slice(0, -2));
    const nb = checkedSize(batch, ctx.where);
    const r = batch.length;
    const sa = broadcastStrides(as.slice(0, -2), r);
    const sb = broadcastStrides(bs.slice(0, -2), r);
    const out = new Float32Array(checkedSize([nb, M, N], ctx.where));
    const bst = stridesOf(batch);
    for (let q = 0; q < nb; q++) {
      let oa = 0;
      let ob = 0;
      for (let d = 0; d < r; d++) {
        const k = Math.floor(q / bst[d]!) % batch[d]!;
        oa += k * sa[d]!;
        ob += k * sb[d]!;
      }
      gemmInto(a.data, oa * M * K, K, 1, b.data, ob * K * N, N, 1, out, q * M * N, M, N, K);
    }
    const shape = [...batch, ...(a.shape.length === 1 ? [] : [M]), ...(b.shape.length === 1 ? [] : [N])];
    return [floatValue(out, shape)];
  };
}

/** out[m, n] = sum_k A[m, k] B[k, n], with A and B addressed through (row, col) strides. */
function gemmInto(
  A: Float32Array, oa: number, ar: number, ac: number,
  B: Float32Array, ob: number, br: number, bc: number,
  out: Float32Array, oo: number, M: number, N: number, K: number,
): void {
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[oa + m * ar + k * ac]! * B[ob + k * br + n * bc]!;
      out[oo + m * N + n] = s;
    }
  }
}

function gemm(ctx: NodeContext): Kernel {
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  const transA = ctx.int('transA', 0) !== 0;
  const transB = ctx.int('transB', 0) !== 0;
  const add = binary(ctx, (x, y) => x + y);
  return (inputs) => {
    const a = ctx.floatInput(inputs, 0, 'A');
    const b = ctx.floatInput(inputs, 1, 'B');
    if (a.shape.length !== 2 || b.shape.length !== 2) ctx.shapeError('A and B must be matrices');
    const [a0, a1] = a.shape as [number, number];
    const [b0, b1] = b.shape as [number, number];
    const [M, K] = transA ? [a1, a0] : [a0, a1];
    const [K2, N] = transB ? [b1, b0] : [b0, b1];
    if (K !== K2) ctx.shapeError(`inner dimensions differ: A [${a.shape.join(', ')}], B [${b.shape.join(', ')}]`);
    const out = new Float32Array(checkedSize([M, N], ctx.where));
    gemmInto(a.data, 0, transA ? 1 : a1, transA ? a1 : 1, b.data, 0, transB ? 1 : b1, transB ? b1 : 1, out, 0, M, N, K);
    if (alpha !== 1) for (let i = 0; i < out.length; i++) out[i]! *= alpha;
    const c = inputs[2];
    if (c === undefined || beta === 0) return [floatValue(out, [M, N])];
    const scaled = beta === 1 ? c : floatValue(Float32Array.from(c.data, (v) => v * beta), c.shape);
    const sum = add([floatValue(out, [M, N]), scaled])[0]!;
    if (sum.shape.length !== 2 || sum.shape[0] !== M || sum.shape[1] !== N) ctx.shapeError(`C [${c.shape.join(', ')}] does not broadcast to [${M}, ${N}]`);
    return [sum];
  };
}

/** Softmax or log-softmax; opsets < 13 flatten the axes from `axis` on into one. */
function softmax(ctx: NodeContext, log: boolean): Kernel {
  const modern = ctx.opset >= 13;
  const axisAttr = ctx.int('axis', modern ? -1 : 1);
  return (inputs) => {
    const x = ctx.floatInput(inputs, 0, 'input');
    const axis = ctx.axis(axisAttr, x.shape.length);
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const n = modern ? x.shape[axis]! : x.shape.slice(axis).reduce((p, d) => p * d, 1);
    const inner = modern ? x.shape.slice(axis + 1).reduce((p, d) => p * d, 1) : 1;
    const out = new Float32Array(x.data.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let max = -Infinity;
        for (let k = 0; k < n; k++) max = Math.max(max, x.data[base + k * inner]!);
        let sum = 0;
        for (let k = 0; k < n; k++) sum += Math.exp(x.data[base + k * inner]! - max);
        const logSum = Math.log(sum);
        for (let k = 0; k < n; k++) {
          const z = x.data[base + k * inner]! - max;
          out[base + k * inner] = log ? z - logSum : Math.exp(z) / sum;
        }
      }
    }
    return [floatValue(out, x.shape)];
  };
}

/** Range(start, limit, delta) of scalars, as integers or floats like its inputs. */
function range(ctx: NodeContext): Kernel {
  return (inputs) => {
    const [start, limit, delta] = [0, 1, 2].map((i) => {
      const v = ctx.anyInput(inputs, i, ['start', 'limit', 'delta'][i]!);
      if (v.data.length !== 1) ctx.shapeError('start, limit and delta must be scalars');
      return v;
    }) as [Value, Value, Value];
    const d = delta.data[0]!;
    if (d === 0) ctx.shapeError('delta is 0');
    const n = Math.max(Math.ceil((limit.data[0]! - start.data[0]!) / d), 0);
    checkedSize([n], ctx.where);
    const data = Array.from({ length: n }, (_, i) => start.data[0]! + i * d);
    return [start.kind === 'float' ? floatValue(Float32Array.from(data), [n]) : intValue(data, [n])];
  };
}

function cast(ctx: NodeContext): Kernel {
  const to = ctx.int('to', 0);
  ctx.int('saturate', 1); // only affects float8 targets, which are refused anyway
  if (isFloatType(to)) {
    return (inputs) => {
      const x = ctx.anyInput(inputs, 0, 'input');
      return [floatValue(Float32Array.from(x.data), x.shape)];
    };
  }
  if (isIntType(to)) {
    const bool = to === DataType.BOOL;
    return (inputs) => {
      const x = ctx.anyInput(inputs, 0, 'input');
      return [intValue(Float64Array.from(x.data, (v) => (bool ? (v !== 0 ? 1 : 0) : Math.trunc(v))), x.shape)];
    };
  }
  return ctx.fail(`casting to data type ${to} is not supported (float, double and integer types are)`);
}

export const mathOps: Record<string, (ctx: NodeContext) => Kernel> = {
  Add: (c) => binary(c, (x, y) => x + y),
  Sub: (c) => binary(c, (x, y) => x - y),
  Mul: (c) => binary(c, (x, y) => x * y),
  Div: (c) => binary(c, (x, y) => x / y),
  Tanh: (c) => unary(c, Math.tanh),
  Sigmoid: (c) => unary(c, (x) => 1 / (1 + Math.exp(-x))),
  Relu: (c) => unary(c, (x) => (x > 0 ? x : 0)),
  Less: (c) => binary(c, (x, y) => (x < y ? 1 : 0), true),
  Greater: (c) => binary(c, (x, y) => (x > y ? 1 : 0), true),
  Equal: (c) => binary(c, (x, y) => (x === y ? 1 : 0), true),
  Range: range,
  MatMul: matmul,
  Gemm: gemm,
  Softmax: (c) => softmax(c, false),
  LogSoftmax: (c) => softmax(c, true),
  Cast: cast,
};
