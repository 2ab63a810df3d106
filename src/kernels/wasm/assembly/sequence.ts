// Whole-sequence loops: the time loop runs here, one recurrent GEMM and one pass of gate
// maths per step, no allocation and no call back into JS.
//
// States live in [(T+1), B, width] buffers with the initial state in slot 0 (forward) or
// slot T (reverse): the state before step t is slot t (forward) or t+1 (reverse), and the
// T "previous states" are one contiguous block, which makes dW_hh a single GEMM later.
import { addTo, gemm, maskRows } from './gemm';
import { gruRow, gruRowBack, lstmRow, lstmRowBack, rnnRow, rnnRowBack } from './cells';

export const RNN_TANH = 0;
export const RNN_RELU = 1;
export const LSTM = 2;
export const GRU = 3;

@inline export function gatesOf(mode: i32, H: i32): i32 {
  return mode == LSTM ? 4 * H : mode == GRU ? 3 * H : H;
}

@inline export function active(lens: usize, t: i32, b: i32): bool {
  return lens == 0 || t < load<i32>(lens + (<usize>b << 2));
}

/**
 * Forward pass. xg [T, B, G] holds W_ih x + b_ih (+ b_hh except for GRU); or, with x != 0,
 * xg is [B, G] scratch that each step fills from x [T, B, I], the packed W_ih (wih, I x G)
 * and the folded bias (the same products as one GEMM over all steps, bit for bit: a row's
 * sums do not depend on the rows beside it), so the [T, B, G] projections never go through
 * memory. y == 0: outputs not written (the caller reads them from hs: no lengths, no
 * projection). Without save, cs holds two slots used in turn (the state before the
 * loop's s-th step in slot s & 1, whatever the direction: the initial one in slot 0, the
 * last in slot T & 1). With save != 0
 * gates/hn/m are [T, B, .] (m only with a projection), else [B, .] scratch. hmask [B, P]
 * (or 0): recurrent dropout on h_{t-1} where it enters W_hh, through the scratch hm [B, P].
 * Scratch: hg [B, G], mb [B, H], pb [B, P].
 */
export function forward(
  mode: i32, T: i32, B: i32, H: i32, P: i32,
  xg: usize, whh: usize, bhh: usize, whr: usize,
  hs: usize, cs: usize, gates: usize, hnAll: usize, mAll: usize, save: i32,
  y: usize, lens: usize, rev: i32, hg: usize, mb: usize, pb: usize, hmask: usize, hm: usize,
  x: usize, I: i32, wih: usize, bias: usize,
): void {
  const G = gatesOf(mode, H);
  const hRow = <usize>P << 2;
  const cRow = <usize>H << 2;
  const gRow = <usize>G << 2;
  for (let s = 0; s < T; s++) {
    const t = rev ? T - 1 - s : s;
    const prev = <usize>(rev ? t + 1 : t) * <usize>B;
    const cur = <usize>(rev ? t : t + 1) * <usize>B;
    if (x) gemm(x + ((<usize>t * <usize>B * <usize>I) << 2), I, B, I, wih, G, xg, G, bias, 0);
    const cPrev = save ? prev : <usize>(s & 1) * <usize>B;
    const cCur = save ? cur : <usize>((s + 1) & 1) * <usize>B;
    let hIn = hs + prev * hRow;
    if (hmask) {
      maskRows(hIn, 1, B, P, hmask, hm);
      hIn = hm;
    }
    gemm(hIn, P, B, P, whh, G, hg, G, bhh, 0);
    for (let b = 0; b < B; b++) {
      const row = <usize>t * <usize>B + <usize>b;
      const sr = save ? row : <usize>b;
      const hp = hs + (prev + b) * hRow;
      const hc = hs + (cur + b) * hRow;
      const yr = y + row * hRow;
      if (!active(lens, t, b)) {
        // Padded step: state held, output and gates 0.
        memory.copy(hc, hp, hRow);
        if (mode == LSTM) memory.copy(cs + (cCur + b) * cRow, cs + (cPrev + b) * cRow, cRow);
        if (y) memory.fill(yr, 0, hRow);
        if (save && mode >= LSTM) memory.fill(gates + row * gRow, 0, gRow);
        if (save && mode == GRU) memory.fill(hnAll + row * cRow, 0, cRow);
        if (save && whr) memory.fill(mAll + row * cRow, 0, cRow);
        continue;
      }
      const xr = xg + (x ? <usize>b : row) * gRow;
      const rr = hg + <usize>b * gRow;
      if (mode == LSTM) {
        const out = whr ? mb + <usize>b * cRow : hc;
        lstmRow(xr, rr, cs + (cPrev + b) * cRow, cs + (cCur + b) * cRow, gates + sr * gRow, out, H, save != 0);
        if (whr && save) memory.copy(mAll + row * cRow, out, cRow);
      } else if (mode == GRU) {
        gruRow(xr, rr, hp, gates + sr * gRow, hnAll + sr * cRow, hc, H);
      } else {
        rnnRow(xr, rr, hc, H, mode == RNN_RELU);
      }
      if (!whr && y) memory.copy(yr, hc, hRow);
    }
    if (whr) {
      // h = W_hr m for the active rows.
      gemm(mb, H, B, H, whr, P, pb, P, 0, 0);
      for (let b = 0; b < B; b++) {
        if (!active(lens, t, b)) continue;
        const src = pb + <usize>b * hRow;
        memory.copy(hs + (cur + b) * hRow, src, hRow);
        if (y) memory.copy(y + (<usize>t * <usize>B + <usize>b) * hRow, src, hRow);
      }
    }
  }
}

/**
 * Backward pass (BPTT) through `forward`. dh [B, P] and dc [B, H] enter as dL/dh_N, dL/dc_N
 * and leave as dL/dh_0, dL/dc_0. Writes dxg [T, B, G] (dL/d pre-activations), for GRU dhg
 * [T, B, G] (the recurrent side, which differs in the n gate), with a projection dhAct
 * [T, B, P] (dL/dh per step, 0 at padding), and dhSteps [T, B, P] when dhSteps != 0.
 * whhT, whrT are packed W_hh [G, P] and W_hr [P, H] as (k, n) operands. hmask: the
 * forward's recurrent dropout mask (or 0), applied to the gradient through W_hh.
 * Scratch: dm [B, H], dhp [B, P], dDirect [B, H].
 */
export function backward(
  mode: i32, T: i32, B: i32, H: i32, P: i32,
  gates: usize, hs: usize, cs: usize, hnAll: usize, dy: usize,
  dh: usize, dc: usize, dxg: usize, dhg: usize, dhAct: usize, dhSteps: usize,
  lens: usize, rev: i32, whhT: usize, whrT: usize, dm: usize, dhp: usize, dDirect: usize, hmask: usize,
): void {
  const G = gatesOf(mode, H);
  const hRow = <usize>P << 2;
  const cRow = <usize>H << 2;
  const gRow = <usize>G << 2;
  for (let s = T - 1; s >= 0; s--) {
    const t = rev ? T - 1 - s : s;
    const prev = <usize>(rev ? t + 1 : t) * <usize>B;
    const cur = <usize>(rev ? t : t + 1) * <usize>B;
    const first = <usize>t * <usize>B;
    for (let b = 0; b < B; b++) {
      const row = first + <usize>b;
      const dhb = dh + <usize>b * hRow;
      if (!active(lens, t, b)) {
        if (dhSteps) memory.fill(dhSteps + row * hRow, 0, hRow);
        if (dhAct) memory.fill(dhAct + row * hRow, 0, hRow);
        continue;
      }
      if (dy) addTo(dhb, dy + row * hRow, P);
      if (dhSteps) memory.copy(dhSteps + row * hRow, dhb, hRow);
      if (dhAct) memory.copy(dhAct + row * hRow, dhb, hRow);
    }
    // With a projection h = W_hr m: dm = dh W_hr.
    if (dhAct) gemm(dhAct + first * hRow, P, B, P, whrT, H, dm, H, 0, 0);
    for (let b = 0; b < B; b++) {
      const row = first + <usize>b;
      const da = dxg + row * gRow;
      if (!active(lens, t, b)) {
        memory.fill(da, 0, gRow);
        if (mode == GRU) memory.fill(dhg + row * gRow, 0, gRow);
        continue;
      }
      const dhb = dh + <usize>b * hRow;
      if (mode == LSTM) {
        const dOut = dhAct ? dm + <usize>b * cRow : dhb;
        lstmRowBack(gates + row * gRow, cs + (cur + b) * cRow, cs + (prev + b) * cRow, dOut, dc + <usize>b * cRow, da, H);
      } else if (mode == GRU) {
        gruRowBack(gates + row * gRow, hnAll + row * cRow, hs + (prev + b) * hRow, dhb, da, dhg + row * gRow, dDirect + <usize>b * cRow, H);
      } else {
        rnnRowBack(hs + (cur + b) * hRow, dhb, da, H, mode == RNN_RELU);
      }
    }
    // dh_{t-1} = dA W_hh (+ the direct z path for GRU); padded rows keep their dh.
    gemm((mode == GRU ? dhg : dxg) + first * gRow, G, B, G, whhT, P, dhp, P, 0, 0);
    if (hmask) maskRows(dhp, 1, B, P, hmask, dhp);
    for (let b = 0; b < B; b++) {
      if (!active(lens, t, b)) continue;
      const dhb = dh + <usize>b * hRow;
      memory.copy(dhb, dhp + <usize>b * hRow, hRow);
      if (mode == GRU) addTo(dhb, dDirect + <usize>b * cRow, H);
    }
  }
}
