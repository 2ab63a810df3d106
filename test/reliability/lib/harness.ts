import { RecurError } from '../../../src/errors.js';
import { CommanderError } from 'commander';
import { Prng } from './rng.js';

/** A fuzz target: makes case `i` from a generator and runs it. */
export interface FuzzTarget<I = unknown> {
  name: string;
  /** One-time set-up (fixtures on disk); returns the per-case generator and runner. */
  setup(): Promise<{ generate(rng: Prng, i: number): I; run(input: I): unknown; size(input: I): number; cleanup?(): void }>;
}

export type Outcome = 'ok' | 'typed' | 'other';

export interface CaseFailure {
  i: number;
  kind: 'other' | 'slow' | 'memory' | 'message';
  detail: string;
}

export interface FuzzStats {
  target: string;
  cases: number;
  ok: number;
  typed: number;
  other: number;
  /** Typed errors by code. */
  codes: Record<string, number>;
  maxMs: number;
  /** Largest growth of heap + array buffers over one case, in bytes. */
  maxMemBytes: number;
  /** Cases over the time or memory budget, or failing otherwise (first few kept). */
  flagged: number;
  failures: CaseFailure[];
}

/** Time per case the issue allows. */
export const CASE_MS_LIMIT = 1000;
/** Memory growth over a case is flagged above this many bytes plus 64 times the input size. */
export const MEMORY_SLACK = 64 << 20;

/** Classifies a thrown value: a subclass of RecurError with a code and a message, or a commander usage error. */
export function classify(e: unknown): { outcome: Outcome; code: string; detail: string } {
  if (e instanceof CommanderError) return { outcome: 'typed', code: e.code, detail: e.message };
  if (e instanceof RecurError) {
    const typedClass = e.constructor !== RecurError && /^E_[A-Z_]+$/.test(e.code) && e.message.trim().length > 0;
    return { outcome: typedClass ? 'typed' : 'other', code: e.code, detail: `${e.constructor.name} ${e.code}: ${e.message.slice(0, 300)}` };
  }
  const err = e as Error;
  return { outcome: 'other', code: err?.constructor?.name ?? typeof e, detail: String(err?.stack ?? err).slice(0, 600) };
}

function memNow(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Runs `count` seeded cases of a target and gathers the counts. */
export async function runTarget<I>(
  target: FuzzTarget<I>,
  count: number,
  seed: number,
  onCase?: (i: number) => void,
): Promise<FuzzStats> {
  const t = await target.setup();
  const stats: FuzzStats = { target: target.name, cases: 0, ok: 0, typed: 0, other: 0, codes: {}, maxMs: 0, maxMemBytes: 0, flagged: 0, failures: [] };
  const flag = (f: CaseFailure) => {
    stats.flagged++;
    if (stats.failures.length < 20) stats.failures.push(f);
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    for (let i = 0; i < count; i++) {
      const rng = new Prng(seed * 1_000_003 + i);
      const input = t.generate(rng, i);
      onCase?.(i);
      if (gc && i % 50 === 0) gc();
      const mem0 = memNow();
      const t0 = performance.now();
      let outcome: Outcome = 'ok';
      try {
        const r = t.run(input);
        if (r instanceof Promise) await r;
      } catch (e) {
        const c = classify(e);
        outcome = c.outcome;
        if (c.outcome === 'typed') stats.codes[c.code] = (stats.codes[c.code] ?? 0) + 1;
        else flag({ i, kind: 'other', detail: c.detail });
      }
      const ms = performance.now() - t0;
      const mem = Math.max(0, memNow() - mem0);
      stats.cases++;
      stats[outcome]++;
      stats.maxMs = Math.max(stats.maxMs, ms);
      stats.maxMemBytes = Math.max(stats.maxMemBytes, mem);
      if (ms > CASE_MS_LIMIT) flag({ i, kind: 'slow', detail: `${ms.toFixed(0)} ms` });
      if (mem > MEMORY_SLACK + 64 * t.size(input)) flag({ i, kind: 'memory', detail: `${(mem / 2 ** 20).toFixed(1)} MiB for a ${t.size(input)}-byte input` });
    }
  } finally {
    t.cleanup?.();
  }
  return stats;
}

/** The count table printed by `npm run fuzz`. */
export function formatTable(rows: FuzzStats[]): string {
  const head = ['target', 'cases', 'ok', 'typed err', 'other exc', 'flagged', 'max ms', 'max MiB', 'error codes'];
  const body = rows.map((s) => [
    s.target, String(s.cases), String(s.ok), String(s.typed), String(s.other), String(s.flagged), s.maxMs.toFixed(1), (s.maxMemBytes / 2 ** 20).toFixed(1),
    Object.entries(s.codes).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}:${n}`).join(' '),
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((r) => r[k]!.length)));
  const line = (r: string[]) => r.map((c, k) => (k === 0 || k === r.length - 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
