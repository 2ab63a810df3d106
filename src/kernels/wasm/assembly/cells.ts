// Gate maths of one row (one sequence, one step) for each cell, forward and backward side
// by side, 4 hidden units per iteration. Each body is an inlined function of `n`, the units
// it covers: the loop calls it with the constant 4, so its loads and stores compile to plain
// vector ones with no per-load tail test, and a tail of 1-3 units runs the same vector code
// on partially loaded vectors, so any hidden size gets identical numerics.
import { relu4, sigmoid4, tanh4 } from './math';

@inline export function ld(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

@inline export function st(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

@inline function one(): v128 {
  return f32x4.splat(1.0);
}

@inline function lstmGates(x: usize, r: usize, cPrev: usize, cOut: usize, g: usize, hb: usize, o: usize, n: i32, keep: bool): void {
  const vi = sigmoid4(f32x4.add(ld(x + o, n), ld(r + o, n)));
  const vf = sigmoid4(f32x4.add(ld(x + hb + o, n), ld(r + hb + o, n)));
  const vg = tanh4(f32x4.add(ld(x + 2 * hb + o, n), ld(r + 2 * hb + o, n)));
  const vo = sigmoid4(f32x4.add(ld(x + 3 * hb + o, n), ld(r + 3 * hb + o, n)));
  if (keep) {
    st(g + o, vi, n);
    st(g + hb + o, vf, n);
    st(g + 2 * hb + o, vg, n);
  }
  st(g + 3 * hb + o, vo, n);
  st(cOut + o, f32x4.add(f32x4.mul(vf, ld(cPrev + o, n)), f32x4.mul(vi, vg)), n);
}

@inline function lstmOut(c: usize, g: usize, h: usize, hb: usize, o: usize, n: i32): void {
  st(h + o, f32x4.mul(ld(g + 3 * hb + o, n), tanh4(ld(c + o, n))), n);
}

/**
 * LSTM, gates i f g o: x, r pre-activations (input and recurrent parts) -> gates, c, h.
 * Two passes, the gates and c, then h = o tanh(c): in one, each group's chain (gates, c,
 * tanh c) is longer than the out-of-order window covers (the pass took 1.11x the time).
 * keep false (inference): only the o gate goes to g, which the second pass reads, so the
 * scratch takes a quarter of the cache lines.
 */
export function lstmRow(x: usize, r: usize, cPrev: usize, cOut: usize, g: usize, h: usize, H: i32, keep: bool = true): void {
  const hb = <usize>H << 2;
  const full = H & ~3; // units in full groups of 4
  if (keep) {
    for (let j = 0; j < full; j += 4) lstmGates(x, r, cPrev, cOut, g, hb, <usize>j << 2, 4, true);
  } else {
    for (let j = 0; j < full; j += 4) lstmGates(x, r, cPrev, cOut, g, hb, <usize>j << 2, 4, false);
  }
  if (full < H) lstmGates(x, r, cPrev, cOut, g, hb, <usize>full << 2, H - full, true);
  for (let j = 0; j < full; j += 4) lstmOut(cOut, g, h, hb, <usize>j << 2, 4);
  if (full < H) lstmOut(cOut, g, h, hb, <usize>full << 2, H - full);
}

@inline function lstmBack(g: usize, c: usize, cPrev: usize, dOut: usize, dc: usize, dA: usize, hb: usize, o: usize, n: i32): void {
  const vi = ld(g + o, n);
  const vf = ld(g + hb + o, n);
  const vg = ld(g + 2 * hb + o, n);
  const vo = ld(g + 3 * hb + o, n);
  const tc = tanh4(ld(c + o, n));
  const dh = ld(dOut + o, n);
  const dct = f32x4.add(ld(dc + o, n), f32x4.mul(f32x4.mul(dh, vo), f32x4.sub(one(), f32x4.mul(tc, tc))));
  st(dA + o, f32x4.mul(f32x4.mul(dct, vg), f32x4.mul(vi, f32x4.sub(one(), vi))), n);
  st(dA + hb + o, f32x4.mul(f32x4.mul(dct, ld(cPrev + o, n)), f32x4.mul(vf, f32x4.sub(one(), vf))), n);
  st(dA + 2 * hb + o, f32x4.mul(f32x4.mul(dct, vi), f32x4.sub(one(), f32x4.mul(vg, vg))), n);
  st(dA + 3 * hb + o, f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(vo, f32x4.sub(one(), vo))), n);
  st(dc + o, f32x4.mul(dct, vf), n);
}

/** dL/d(pre-activations) of one LSTM row from dL/dh (before projection) and the running dc. */
export function lstmRowBack(g: usize, c: usize, cPrev: usize, dOut: usize, dc: usize, dA: usize, H: i32): void {
  const hb = <usize>H << 2;
  const full = H & ~3; // units in full groups of 4
  for (let j = 0; j < full; j += 4) lstmBack(g, c, cPrev, dOut, dc, dA, hb, <usize>j << 2, 4);
  if (full < H) lstmBack(g, c, cPrev, dOut, dc, dA, hb, <usize>full << 2, H - full);
}

@inline function gruGates(x: usize, r: usize, hPrev: usize, g: usize, hn: usize, h: usize, hb: usize, o: usize, n: i32): void {
  const vr = sigmoid4(f32x4.add(ld(x + o, n), ld(r + o, n)));
  const vz = sigmoid4(f32x4.add(ld(x + hb + o, n), ld(r + hb + o, n)));
  const vhn = ld(r + 2 * hb + o, n);
  const vn = tanh4(f32x4.add(ld(x + 2 * hb + o, n), f32x4.mul(vr, vhn)));
  const hp = ld(hPrev + o, n);
  // (1 - z) n + z h = n + z (h - n)
  st(h + o, f32x4.add(vn, f32x4.mul(vz, f32x4.sub(hp, vn))), n);
  st(g + o, vr, n);
  st(g + hb + o, vz, n);
  st(g + 2 * hb + o, vn, n);
  st(hn + o, vhn, n);
}

/** GRU, gates r z n; r holds W_h h + b_h, whose n part the reset gate scales. */
export function gruRow(x: usize, r: usize, hPrev: usize, g: usize, hn: usize, h: usize, H: i32): void {
  const hb = <usize>H << 2;
  const full = H & ~3; // units in full groups of 4
  for (let j = 0; j < full; j += 4) gruGates(x, r, hPrev, g, hn, h, hb, <usize>j << 2, 4);
  if (full < H) gruGates(x, r, hPrev, g, hn, h, hb, <usize>full << 2, H - full);
}

@inline function gruBack(g: usize, hn: usize, hPrev: usize, dh: usize, dX: usize, dHg: usize, dDirect: usize, hb: usize, o: usize, n: i32): void {
  const vr = ld(g + o, n);
  const vz = ld(g + hb + o, n);
  const vn = ld(g + 2 * hb + o, n);
  const d = ld(dh + o, n);
  const dan = f32x4.mul(f32x4.mul(d, f32x4.sub(one(), vz)), f32x4.sub(one(), f32x4.mul(vn, vn)));
  const daz = f32x4.mul(f32x4.mul(d, f32x4.sub(ld(hPrev + o, n), vn)), f32x4.mul(vz, f32x4.sub(one(), vz)));
  const dar = f32x4.mul(f32x4.mul(dan, ld(hn + o, n)), f32x4.mul(vr, f32x4.sub(one(), vr)));
  st(dX + o, dar, n);
  st(dX + hb + o, daz, n);
  st(dX + 2 * hb + o, dan, n);
  st(dHg + o, dar, n);
  st(dHg + hb + o, daz, n);
  st(dHg + 2 * hb + o, f32x4.mul(dan, vr), n);
  st(dDirect + o, f32x4.mul(d, vz), n);
}

/** GRU backward of one row: dXG (input side), dHG (recurrent side) and dh's direct path. */
export function gruRowBack(g: usize, hn: usize, hPrev: usize, dh: usize, dX: usize, dHg: usize, dDirect: usize, H: i32): void {
  const hb = <usize>H << 2;
  const full = H & ~3; // units in full groups of 4
  for (let j = 0; j < full; j += 4) gruBack(g, hn, hPrev, dh, dX, dHg, dDirect, hb, <usize>j << 2, 4);
  if (full < H) gruBack(g, hn, hPrev, dh, dX, dHg, dDirect, hb, <usize>full << 2, H - full);
}

@inline function rnnAct(x: usize, r: usize, h: usize, relu: bool, o: usize, n: i32): void {
  const a = f32x4.add(ld(x + o, n), ld(r + o, n));
  st(h + o, relu ? relu4(a) : tanh4(a), n);
}

/** Elman RNN: h = act(x + r). */
export function rnnRow(x: usize, r: usize, h: usize, H: i32, relu: bool): void {
  const full = H & ~3; // units in full groups of 4
  for (let j = 0; j < full; j += 4) rnnAct(x, r, h, relu, <usize>j << 2, 4);
  if (full < H) rnnAct(x, r, h, relu, <usize>full << 2, H - full);
}

@inline function rnnBack(h: usize, dh: usize, dA: usize, relu: bool, o: usize, n: i32): void {
  const vh = ld(h + o, n);
  const d = relu ? v128.and(f32x4.gt(vh, f32x4.splat(0)), one()) : f32x4.sub(one(), f32x4.mul(vh, vh));
  st(dA + o, f32x4.mul(ld(dh + o, n), d), n);
}

/** dA = dh * act'(a), from the output h itself. */
export function rnnRowBack(h: usize, dh: usize, dA: usize, H: i32, relu: bool): void {
  const full = H & ~3; // units in full groups of 4
  for (let j = 0; j < full; j += 4) rnnBack(h, dh, dA, relu, <usize>j << 2, 4);
  if (full < H) rnnBack(h, dh, dA, relu, <usize>full << 2, H - full);
}
