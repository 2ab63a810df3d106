// Timing and the protocol between bench/run.ts and the peer processes it starts.
import type { Measurement, PeerConfig, WorkloadId } from './workloads.js';

/** A warm-up call longer than this lowers the minimum repetitions to 3. */
export const SLOW_CALL_MS = 1000;

/**
 * Warm-up goes on past the asked calls until this much time (at most WARMUP_MAX_CALLS calls,
 * and no longer than the timed budget):
 * a JIT compiles a sub-millisecond call's hot path only after hundreds of calls, so one
 * warm-up call would time the interpreter (PyTorch's harness warms up the same way).
 */
export const WARMUP_MS = 250;
export const WARMUP_MAX_CALLS = 500;

export interface TimingOptions {
  /** Full-size calls before timing at least (default 1; more up to WARMUP_MS when calls are fast, none with 0). */
  warmup?: number;
  /** A cheap call run once instead of / before the warm-up (small shapes), for very slow systems. */
  prime?: () => unknown;
  /** Timed repetitions at least (default 5; 3 when a warm-up call takes over SLOW_CALL_MS) and at most (default 50). */
  minReps?: number;
  maxReps?: number;
  /** Stop after this many ms of timed calls once minReps are done. */
  budgetMs: number;
}

/** Times `fn` (sync or async): warm-up, then repetitions until the budget is spent; returns every sample in ms. */
export async function timeCalls(fn: () => unknown, options: TimingOptions): Promise<number[]> {
  let minReps = options.minReps ?? 5;
  const maxReps = Math.max(minReps, options.maxReps ?? 50);
  if (options.prime) await options.prime();
  const warmup = options.warmup ?? 1;
  // No longer than the timed budget (the quick run stays quick).
  const warmupMs = Math.min(WARMUP_MS, options.budgetMs);
  const started = performance.now();
  for (let i = 0; i < warmup || (warmup > 0 && i < WARMUP_MAX_CALLS && performance.now() - started < warmupMs); i++) {
    const t0 = performance.now();
    await fn();
    // Slow systems (a second or more per call): the median of 3 keeps the run short.
    if (performance.now() - t0 > SLOW_CALL_MS) minReps = Math.min(minReps, 3);
  }
  const samples: number[] = [];
  let spent = 0;
  while (samples.length < maxReps && (samples.length < minReps || spent < options.budgetMs)) {
    const t0 = performance.now();
    await fn();
    const dt = performance.now() - t0;
    samples.push(dt);
    spent += dt;
  }
  return samples;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A measurement from timed samples. */
export function okMeasurement(
  base: Pick<Measurement, 'peer' | 'variant' | 'threads' | 'workload'>,
  samples: number[],
  extra: Pick<Measurement, 'note' | 'digest'> = {},
): Measurement {
  const m: Measurement = { ...base, status: 'ok', ms: median(samples), samples: samples.map((x) => Math.round(x * 1000) / 1000) };
  if (extra.note !== undefined) m.note = extra.note;
  if (extra.digest !== undefined) m.digest = extra.digest;
  return m;
}

/** Lines a peer process prints on stdout for the orchestrator (anything else on stdout is ignored). */
export const LINE_PREFIX = '@@bench ';

export interface PlannedSystem {
  peer: string;
  variant: string;
  threads: number;
  workloads: WorkloadId[];
}

export type PeerMessage =
  | { type: 'plan'; systems: PlannedSystem[] }
  | { type: 'result'; measurement: Measurement }
  | { type: 'info'; key: string; value: string };

/** How a peer module reports: what it intends to run first, then each measurement as it is done. */
export interface Reporter {
  plan(systems: PlannedSystem[]): void;
  result(m: Measurement): void;
  info(key: string, value: string): void;
}

/** Every peer module exports one of these. */
export type PeerRunner = (variant: string, config: PeerConfig, report: Reporter) => Promise<void>;

export function stdoutReporter(): Reporter {
  const send = (msg: PeerMessage): void => {
    process.stdout.write(LINE_PREFIX + JSON.stringify(msg) + '\n');
  };
  return {
    plan: (systems) => send({ type: 'plan', systems }),
    result: (measurement) => send({ type: 'result', measurement }),
    info: (key, value) => send({ type: 'info', key, value }),
  };
}

/** The message on one stdout line of a peer process, or null. */
export function parseLine(line: string): PeerMessage | null {
  if (!line.startsWith(LINE_PREFIX)) return null;
  try {
    return JSON.parse(line.slice(LINE_PREFIX.length)) as PeerMessage;
  } catch {
    return null;
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** Runs one measurement, turning an exception into an 'error' entry. */
export async function guarded(
  base: Pick<Measurement, 'peer' | 'variant' | 'threads' | 'workload'>,
  report: Reporter,
  body: () => Promise<Measurement>,
): Promise<void> {
  try {
    report.result(await body());
  } catch (e) {
    report.result({ ...base, status: 'error', note: errorText(e).slice(0, 300) });
  }
}
