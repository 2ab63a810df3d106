// An oracle for the kernel contract that shares no code with any backend: PyTorch's cell
// formulas step by step in float64, one unit at a time, and gradients as central finite
// differences of that forward pass (directional: one random direction per operand).
import assert from 'node:assert/strict';
import type { SequenceBackwardArgs, SequenceForwardArgs, SequenceGrads } from '../../src/kernels/types.js';
import { gateCount } from '../../src/kernels/types.js';
import { seeded } from './helpers.js';

/** The operands a pass reads, in float64, so they can be moved by less than a float32 step. */
interface Operands {
  x: Float64Array;
  h0: Float64Array;
  c0: Float64Array | null;
  wIh: Float64Array;
  wHh: Float64Array;
  bIh: Float64Array | null;
  bHh: Float64Array | null;
  wHr: Float64Array | null;
  /** [T, B, P] added to h_t right after each active step (to differentiate by h_t), or null */
  hAdd: Float64Array | null;
}

export interface OracleResult {
  y: Float64Array;
  hN: Float64Array;
  cN: Float64Array | null;
  gates: Float64Array;
  c: Float64Array | null;
  h: Float64Array;
}

const f64 = (a: Float32Array | null): Float64Array | null => (a ? Float64Array.from(a) : null);
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function operands(a: SequenceForwardArgs): Operands {
  const w = a.weights;
  return { x: f64(a.x)!, h0: f64(a.h0)!, c0: f64(a.c0), wIh: f64(w.wIh)!, wHh: f64(w.wHh)!, bIh: f64(w.bIh), bHh: f64(w.bHh), wHr: f64(w.wHr), hAdd: null };
}

/** Row r of W [rows, n] times v (from offset vo). */
function dot(W: Float64Array, r: number, n: number, v: Float64Array, vo: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += W[r * n + k]! * v[vo + k]!;
  return s;
}

function run(a: SequenceForwardArgs, o: Operands): OracleResult {
  const { mode, reverse, lengths } = a;
  const { T, B, I, H, P } = a.dims;
  const G = gateCount(mode) * H;
  const lstm = mode === 'lstm';
  const y = new Float64Array(T * B * P);
  const gates = new Float64Array(mode === 'rnn_tanh' || mode === 'rnn_relu' ? 0 : T * B * G);
  const cTrace = lstm ? new Float64Array(T * B * H) : null;
  const hTrace = new Float64Array(T * B * P);
  const hN = new Float64Array(B * P);
  const cN = lstm ? new Float64Array(B * H) : null;
  for (let b = 0; b < B; b++) {
    let h = o.h0.slice(b * P, (b + 1) * P);
    let c = lstm ? (o.c0 ? o.c0.slice(b * H, (b + 1) * H) : new Float64Array(H)) : new Float64Array(0);
    for (let s = 0; s < T; s++) {
      const t = reverse ? T - 1 - s : s;
      const row = t * B + b;
      if (lengths === null || t < lengths[b]!) {
        // Pre-activations of input and recurrent parts, each with its bias.
        const xi = (r: number) => dot(o.wIh, r, I, o.x, row * I) + (o.bIh ? o.bIh[r]! : 0);
        const hi = (r: number) => dot(o.wHh, r, P, h, 0) + (o.bHh ? o.bHh[r]! : 0);
        const m = new Float64Array(H);
        const cNext = new Float64Array(lstm ? H : 0);
        for (let j = 0; j < H; j++) {
          if (mode === 'lstm') {
            const [i, f, g, og] = [sigmoid(xi(j) + hi(j)), sigmoid(xi(H + j) + hi(H + j)), Math.tanh(xi(2 * H + j) + hi(2 * H + j)), sigmoid(xi(3 * H + j) + hi(3 * H + j))];
            cNext[j] = f * c[j]! + i * g;
            m[j] = og * Math.tanh(cNext[j]!);
            [i, f, g, og].forEach((v, q) => (gates[row * G + q * H + j] = v));
          } else if (mode === 'gru') {
            const r = sigmoid(xi(j) + hi(j));
            const z = sigmoid(xi(H + j) + hi(H + j));
            const n = Math.tanh(xi(2 * H + j) + r * hi(2 * H + j));
            m[j] = (1 - z) * n + z * h[j]!;
            [r, z, n].forEach((v, q) => (gates[row * G + q * H + j] = v));
          } else {
            const pre = xi(j) + hi(j);
            m[j] = mode === 'rnn_tanh' ? Math.tanh(pre) : Math.max(0, pre);
          }
        }
        // h_t = W_hr m (projected LSTM), else m.
        const hNext = o.wHr ? Float64Array.from({ length: P }, (_, p) => dot(o.wHr!, p, H, m, 0)) : m;
        if (o.hAdd) for (let p = 0; p < P; p++) hNext[p]! += o.hAdd[row * P + p]!;
        h = hNext;
        if (lstm) c = cNext;
        y.set(h, row * P);
      }
      hTrace.set(h, row * P);
      if (cTrace) cTrace.set(c, row * H);
    }
    hN.set(h, b * P);
    if (cN) cN.set(c, b * H);
  }
  return { y, hN, cN, gates, c: cTrace, h: hTrace };
}

/** The pass in float64 (y and gates zero at padded steps, states held there). */
export function oracleForward(a: SequenceForwardArgs): OracleResult {
  return run(a, operands(a));
}

/** Which operand a gradient belongs to (dhSteps: h_t itself). */
const OPERAND: Record<keyof Omit<SequenceGrads, 'dhSteps'>, keyof Operands> = {
  dx: 'x', dh0: 'h0', dc0: 'c0', dWIh: 'wIh', dWHh: 'wHh', dBIh: 'bIh', dBHh: 'bHh', dWHr: 'wHr',
};

/**
 * Checks every gradient of `got` (for upstream dy, dhN, dcN of `b`) against central finite
 * differences of L = dy·y + dhN·hN + dcN·cN along one seeded direction per operand:
 * |<grad, v> - (L(+eps v) - L(-eps v)) / 2 eps| <= tol * max(1, sum |grad_i v_i|).
 */
export function assertGradsMatchOracle(what: string, b: SequenceBackwardArgs, got: SequenceGrads, tol: number, seed: number): void {
  const a = b.forward;
  const { T, B, P } = a.dims;
  const loss = (o: Operands): number => {
    const r = run(a, o);
    let s = 0;
    const add = (u: Float32Array | null, v: Float64Array | null) => {
      if (u && v) for (let i = 0; i < u.length; i++) s += u[i]! * v[i]!;
    };
    add(b.dy, r.y);
    add(b.dhN, r.hN);
    add(b.dcN, r.cN);
    return s;
  };
  const rand = seeded(seed);
  const base = operands(a);
  const keys = [...(Object.keys(OPERAND) as (keyof typeof OPERAND)[]), 'dhSteps' as const];
  for (const key of keys) {
    const name: keyof Operands = key === 'dhSteps' ? 'hAdd' : OPERAND[key];
    const operand = key === 'dhSteps' ? (b.stepGrads ? new Float64Array(T * B * P) : null) : base[name];
    const g = got[key];
    if (operand === null) {
      assert.equal(g, null, `${what} ${key}: the pass has no ${name}, so no gradient`);
      continue;
    }
    assert.ok(g !== null && g.length === operand.length, `${what} ${key}: want ${operand.length} values, got ${g?.length ?? 'null'}`);
    const v = Float64Array.from(operand, () => rand());
    const eps = 1e-7;
    const moved = (sign: number) => ({ ...base, [name]: operand.map((u, i) => u + sign * eps * v[i]!) });
    const fd = (loss(moved(1)) - loss(moved(-1))) / (2 * eps);
    let dd = 0;
    let scale = 0;
    for (let i = 0; i < g.length; i++) {
      dd += g[i]! * v[i]!;
      scale += Math.abs(g[i]! * v[i]!);
    }
    assert.ok(Math.abs(dd - fd) <= tol * Math.max(1, scale), `${what} ${key}: <grad, v> = ${dd}, finite differences ${fd} (scale ${scale})`);
  }
}
