// The equation of a selected gate with the current numbers (pre-activations recovered
// exactly from the activation: σ⁻¹(y) = ln(y / (1 − y)), tanh⁻¹(y)).
import { fmt, type Values } from './diagram-svg.js';

// In float32 a gate of exactly 0 or 1 (|pre-activation| beyond ~17) has no recoverable input.
const SATURATED = 1e-6;
const logit = (y: number) => (y > SATURATED && y < 1 - SATURATED ? Math.log(y / (1 - y)) : NaN);
const atanh = (y: number) => (Math.abs(y) < 1 - SATURATED ? Math.atanh(y) : NaN);
const f = (v: number | undefined) => fmt(v ?? NaN);
const pct = (v: number | undefined) => `${Math.round((v ?? 0) * 100)}%`;

/** Words and numbers for gate `key` of a cell; '' for an unknown key. */
export function equation(cell: 'lstm' | 'gru' | 'rnn', key: string, v: Values): string {
  const sig = (g: string) => `${g}(t) = σ(W_${g}·[h(t−1), x(t)] + b_${g}) = σ(${f(logit(v[g]!))}) = <b>${f(v[g])}</b>`;
  if (cell === 'lstm') {
    const table: Record<string, string> = {
      f: `<b>forget gate</b>: ${sig('f')}. It keeps ${pct(v.f)} of the old cell: f·c(t−1) = ${f(v.f)} × ${f(v.cPrev)} = ${f(v.fc)}.`,
      i: `<b>input gate</b>: ${sig('i')}. It writes ${pct(v.i)} of the candidate: i·g = ${f(v.i)} × ${f(v.g)} = ${f(v.ig)}.`,
      g: `<b>candidate</b> (new content): g(t) = tanh(W_g·[h(t−1), x(t)] + b_g) = tanh(${f(atanh(v.g!))}) = <b>${f(v.g)}</b>.`,
      o: `<b>output gate</b>: ${sig('o')}. It shows ${pct(v.o)} of the squashed cell: h(t) = o·tanh(c(t)) = ${f(v.o)} × ${f(v.tc)} = <b>${f(v.h)}</b>.`,
      tc: `<b>cell update</b>: c(t) = f·c(t−1) + i·g = ${f(v.fc)} + ${f(v.ig)} = <b>${f(v.c)}</b>; tanh(c(t)) = ${f(v.tc)}.`,
    };
    return table[key] ?? '';
  }
  if (cell === 'gru') {
    const table: Record<string, string> = {
      r: `<b>reset gate</b>: r(t) = σ(W_r·x(t) + U_r·h(t−1) + b_r) = σ(${f(logit(v.r!))}) = <b>${f(v.r)}</b>. It lets ${pct(v.r)} of U_n·h(t−1) into the candidate.`,
      z: `<b>update gate</b>: z(t) = σ(W_z·x(t) + U_z·h(t−1) + b_z) = σ(${f(logit(v.z!))}) = <b>${f(v.z)}</b>. It keeps ${pct(v.z)} of the old state: h(t) = (1 − z)·n + z·h(t−1) = ${f(v.zn)} + ${f(v.zh)} = <b>${f(v.h)}</b>.`,
      n: `<b>candidate</b>: n(t) = tanh(W_n·x(t) + b_n + r ⊙ (U_n·h(t−1) + b_hn)) = tanh(${f(atanh(v.n!))}) = <b>${f(v.n)}</b>.`,
    };
    return table[key] ?? '';
  }
  return key === 'h'
    ? `<b>the plain RNN</b>: h(t) = tanh(W_h·h(t−1) + W_x·x(t) + b) = tanh(${f(v.a)}) = <b>${f(v.h)}</b>, from h(t−1) = ${f(v.hPrev)}. Nothing keeps the old state except these weights.`
    : '';
}

/** The gate shown when nothing is selected yet. */
export const DEFAULT_GATE = { lstm: 'f', gru: 'z', rnn: 'h' } as const;
