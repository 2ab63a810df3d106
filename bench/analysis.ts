// Ratios, targets and output agreement computed from the measurements of one run.
import { systemLabel, type Measurement, type WorkloadId } from './workloads.js';

export type Verdict = 'pass' | 'miss' | 'n/a';

export interface TargetResult {
  workload: WorkloadId;
  target: string;
  /** What was compared, with the figures. */
  measured: string;
  verdict: Verdict;
}

export interface AgreementRow {
  workload: WorkloadId;
  reference: string;
  system: string;
  maxAbsDiff: number;
  agree: boolean;
}

/** Tolerance of the output agreement check (max |difference| over the sampled outputs). */
export const AGREEMENT_TOLERANCE = 1e-4;

const ok = (m: Measurement): m is Measurement & { ms: number } => m.status === 'ok' && typeof m.ms === 'number';

export function gflops(m: Measurement, workloadFlops: number): number | null {
  return ok(m) ? workloadFlops / (m.ms * 1e6) : null;
}

function fastest(ms: Measurement[]): (Measurement & { ms: number }) | null {
  let best: (Measurement & { ms: number }) | null = null;
  for (const m of ms) if (ok(m) && (!best || m.ms < best.ms)) best = m;
  return best;
}

/** recur's fastest backend result for a workload, optionally at a given thread count (the noGrad references excluded). */
export function recurBest(all: Measurement[], id: WorkloadId, threads?: number): (Measurement & { ms: number }) | null {
  return fastest(all.filter((m) => m.peer === 'recur' && !m.variant.includes('noGrad') && m.workload === id && (threads === undefined || m.threads === threads)));
}

export function peerBest(all: Measurement[], peer: string, id: WorkloadId, variant?: string, threads?: number): (Measurement & { ms: number }) | null {
  return fastest(
    all.filter(
      (m) => m.peer === peer && m.workload === id && (variant === undefined || m.variant === variant) && (threads === undefined || m.threads === threads),
    ),
  );
}

const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)) + ' ms';
const x = (r: number): string => `${r.toFixed(2)}×`;

/**
 * Every target of the issues, as ratios of figures from this run. `ceilingOneThread`: the
 * one-thread 128-bit WASM peak measured in the same run (GFLOP/s), for W2's share of it.
 */
export function evaluateTargets(all: Measurement[], flopsOf: (id: WorkloadId) => number, recurHas2Threads: boolean, ceilingOneThread: number | null = null): TargetResult[] {
  const out: TargetResult[] = [];
  const missing = (workload: WorkloadId, target: string, what: string): void => {
    out.push({ workload, target, measured: `no figure for ${what}`, verdict: 'n/a' });
  };
  // recur on two threads where the backend has a thread setting, else its one-thread figure.
  const recur2 = (id: WorkloadId): { m: (Measurement & { ms: number }) | null; label: string } =>
    recurHas2Threads ? { m: recurBest(all, id, 2), label: 'recur 2T' } : { m: recurBest(all, id, 1), label: 'recur 1T (no 2-thread setting)' };

  // W2 vs tfjs-wasm, one thread each.
  {
    const r = recurBest(all, 'W2', 1);
    const t = peerBest(all, 'tfjs', 'W2', 'wasm');
    const target = 'W2 ≥ 5× faster than tfjs-wasm';
    if (r && t) out.push({ workload: 'W2', target, measured: `${systemLabel(r)} ${fmt(r.ms)} vs ${systemLabel(t)} ${fmt(t.ms)}: ${x(t.ms / r.ms)}`, verdict: t.ms / r.ms >= 5 ? 'pass' : 'miss' });
    else missing('W2', target, r ? 'tfjs-wasm' : 'recur');
  }
  {
    const r = recurBest(all, 'W2', 1);
    const target = 'W2 ≥ 38 GFLOP/s on one thread';
    if (r) {
      const g = flopsOf('W2') / (r.ms * 1e6);
      out.push({ workload: 'W2', target, measured: `${systemLabel(r)} ${g.toFixed(1)} GFLOP/s`, verdict: g >= 38 ? 'pass' : 'miss' });
    } else missing('W2', target, 'recur');
  }
  {
    const r = recurBest(all, 'W2', 1);
    const target = 'W2 on one thread ≥ 80% of the 128-bit WASM ceiling measured in the same run';
    if (r && ceilingOneThread) {
      const g = flopsOf('W2') / (r.ms * 1e6);
      const share = g / ceilingOneThread;
      out.push({ workload: 'W2', target, measured: `${systemLabel(r)} ${g.toFixed(1)} of ${ceilingOneThread.toFixed(1)} GFLOP/s: ${(100 * share).toFixed(0)}%`, verdict: share >= 0.8 ? 'pass' : 'miss' });
    } else missing('W2', target, r ? 'the ceiling' : 'recur');
  }
  for (const id of ['W2', 'W4', 'W5', 'W6'] as const) {
    const { m: r, label } = recur2(id);
    const o = peerBest(all, 'onnxruntime-node', id);
    const target = `${id} on two threads ≤ 2× onnxruntime-node's best time`;
    if (r && o) out.push({ workload: id, target, measured: `${label} ${fmt(r.ms)} vs ${systemLabel(o)} ${fmt(o.ms)}: ${x(r.ms / o.ms)} its time`, verdict: r.ms <= 2 * o.ms ? 'pass' : 'miss' });
    else missing(id, target, r ? 'onnxruntime-node' : 'recur');
  }
  {
    const r = recurBest(all, 'W1');
    const o = peerBest(all, 'onnxruntime-node', 'W1');
    const target = "W1 ≤ 2× onnxruntime-node's time";
    if (r && o) out.push({ workload: 'W1', target, measured: `${systemLabel(r)} ${fmt(r.ms)} vs ${systemLabel(o)} ${fmt(o.ms)}: ${x(r.ms / o.ms)} its time`, verdict: r.ms <= 2 * o.ms ? 'pass' : 'miss' });
    else missing('W1', target, r ? 'onnxruntime-node' : 'recur');
  }
  {
    const r = recurBest(all, 'W1s');
    const o = peerBest(all, 'onnxruntime-node', 'W1s');
    const target = 'W1s faster than onnxruntime-node';
    if (r && o) out.push({ workload: 'W1s', target, measured: `${systemLabel(r)} ${fmt(r.ms)} vs ${systemLabel(o)} ${fmt(o.ms)}: ${x(r.ms / o.ms)} its time`, verdict: r.ms < o.ms ? 'pass' : 'miss' });
    else missing('W1s', target, r ? 'onnxruntime-node' : 'recur');
  }
  {
    const r = recurBest(all, 'W3', 1);
    const t = peerBest(all, 'tfjs', 'W3', 'wasm');
    const target = 'W3 ≥ 25× faster than tfjs-wasm';
    if (r && t) out.push({ workload: 'W3', target, measured: `${systemLabel(r)} ${fmt(r.ms)} vs ${systemLabel(t)} ${fmt(t.ms)}: ${x(t.ms / r.ms)}`, verdict: t.ms / r.ms >= 25 ? 'pass' : 'miss' });
    else missing('W3', target, r ? 'tfjs-wasm' : 'recur');
  }
  {
    // Against PyTorch's best 2-thread configuration on an optimised BLAS (pytorch.ts refuses a reference one).
    const { m: r, label } = recur2('W3');
    const p = peerBest(all, 'pytorch', 'W3', '', 2);
    const target = "W3 level with PyTorch's best on 2 threads (within 10%)";
    const torch = all.find((m) => m.peer === 'pytorch' && m.workload === 'W3');
    if (r && p) out.push({ workload: 'W3', target, measured: `${label} ${fmt(r.ms)} vs ${systemLabel(p)} ${fmt(p.ms)}: ${x(r.ms / p.ms)} its time`, verdict: r.ms <= 1.1 * p.ms ? 'pass' : 'miss' });
    else out.push({ workload: 'W3', target, measured: torch?.status === 'not installed' ? 'PyTorch not installed' : torch?.status === 'skipped' ? `PyTorch refused: ${torch.note ?? ''}` : 'no figure', verdict: 'n/a' });
  }
  // Small differentiable calls (issue #25), on recur's default backend (WASM), one thread:
  // W7 no slower than PyTorch's; W8 (steps with gradients) at most 3x the same loop under noGrad.
  {
    const r = peerBest(all, 'recur', 'W7', 'wasm', 1);
    const p = peerBest(all, 'pytorch', 'W7', '', 1);
    const target = "W7 no slower than PyTorch's, one thread each";
    if (r && p) out.push({ workload: 'W7', target, measured: `${systemLabel(r)} ${fmt(r.ms)} vs ${systemLabel(p)} ${fmt(p.ms)}: ${x(r.ms / p.ms)} its time`, verdict: r.ms <= p.ms ? 'pass' : 'miss' });
    else missing('W7', target, r ? 'PyTorch' : 'recur');
  }
  {
    const r = peerBest(all, 'recur', 'W8', 'wasm', 1);
    const n = peerBest(all, 'recur', 'W8', 'wasm noGrad', 1);
    const p = peerBest(all, 'pytorch', 'W8', '', 1);
    const target = 'W8 (100 steps with gradients) ≤ 3× the same loop under noGrad';
    const torch = p ? `; ${systemLabel(p)} ${fmt(p.ms)}` : '';
    if (r && n) out.push({ workload: 'W8', target, measured: `${systemLabel(r)} ${fmt(r.ms)} vs ${systemLabel(n)} ${fmt(n.ms)}: ${x(r.ms / n.ms)}${torch}`, verdict: r.ms <= 3 * n.ms ? 'pass' : 'miss' });
    else missing('W8', target, 'recur');
  }
  const order = ['W1', 'W1s', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8'];
  return out.sort((a, b) => order.indexOf(a.workload) - order.indexOf(b.workload));
}

/** Compares every output sample against recur's (the first recur measurement with one). */
export function agreement(all: Measurement[]): AgreementRow[] {
  const rows: AgreementRow[] = [];
  for (const id of new Set(all.map((m) => m.workload))) {
    const withDigest = all.filter((m) => m.workload === id && m.digest && m.digest.length > 0);
    const ref = withDigest.find((m) => m.peer === 'recur');
    if (!ref) continue;
    for (const m of withDigest) {
      if (m === ref) continue;
      const a = ref.digest!;
      const b = m.digest!;
      let d = a.length === b.length ? 0 : Infinity;
      for (let i = 0; i < Math.min(a.length, b.length); i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
      rows.push({ workload: id, reference: systemLabel(ref), system: systemLabel(m), maxAbsDiff: d, agree: d <= AGREEMENT_TOLERANCE });
    }
  }
  return rows;
}
