// `npm run bench` (full) and `npm run bench:quick` (tiny shapes, smoke test).
// Runs every peer in its own child process (bench/child.ts), one after another so they do not
// compete for the two cores, with a timeout each; collects the measurements (median of timed
// repetitions after warm-up, see harness.ts), computes ratios, targets and output agreement,
// and writes BENCHMARKS.md + bench/results.json (quick: into a temp directory unless --out).
//
//   npm run bench                       all peers, full workloads, fast peers in 3 rounds (~15 min on 2 cores)
//   npm run bench:quick                 all peers, tiny shapes (about a minute)
//   node --import tsx bench/run.ts --peers recur-wasm,onnxruntime --workloads W2,W3 --rounds 5 --out /tmp/b
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { agreement, evaluateTargets } from './analysis.js';
import { measureCeiling } from './ceiling.js';
import { errorText, parseLine, type PlannedSystem } from './harness.js';
import { machineInfo, packageVersions, writeReport, type BenchResults, type JobRecord } from './report.js';
import { flops, FLOP_FORMULA, GRAD_WORKLOADS, selectWorkloads, WORKLOADS, type Measurement, type PeerConfig, type WorkloadId } from './workloads.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(HERE, '..');

export interface Job {
  id: string;
  /** Module key of bench/child.ts. */
  peer: string;
  variant: string;
  /** Name the peer's measurements carry, for entries when the process fails before its plan. */
  label: { peer: string; variant: string };
  timeoutMs: number;
  quickTimeoutMs: number;
  /** Runs the autograd workloads (GRAD_WORKLOADS: W7, W8); the others skip them. */
  grad?: boolean;
}

/** In run order: recur first, the slow JS-only peers last. */
export const JOBS: readonly Job[] = [
  { id: 'recur-wasm', peer: 'recur', variant: 'wasm', label: { peer: 'recur', variant: 'wasm' }, timeoutMs: 150_000, quickTimeoutMs: 60_000, grad: true },
  { id: 'onnxruntime', peer: 'onnxruntime', variant: '', label: { peer: 'onnxruntime-node', variant: '' }, timeoutMs: 120_000, quickTimeoutMs: 60_000 },
  { id: 'tfjs-wasm', peer: 'tfjs', variant: 'wasm', label: { peer: 'tfjs', variant: 'wasm' }, timeoutMs: 150_000, quickTimeoutMs: 60_000 },
  { id: 'pytorch', peer: 'pytorch', variant: '', label: { peer: 'pytorch', variant: '' }, timeoutMs: 300_000, quickTimeoutMs: 90_000, grad: true },
  { id: 'recur-js', peer: 'recur', variant: 'js', label: { peer: 'recur', variant: 'js' }, timeoutMs: 150_000, quickTimeoutMs: 60_000, grad: true },
  { id: 'brainjs', peer: 'brainjs', variant: '', label: { peer: 'brain.js', variant: '' }, timeoutMs: 120_000, quickTimeoutMs: 60_000 },
  { id: 'tfjs-cpu', peer: 'tfjs', variant: 'cpu', label: { peer: 'tfjs', variant: 'cpu' }, timeoutMs: 330_000, quickTimeoutMs: 60_000 },
];

export interface BenchOptions {
  quick: boolean;
  /** Where BENCHMARKS.md and results.json go. */
  markdownPath: string;
  jsonPath: string;
  /** Job ids to run (default all). */
  jobs?: readonly string[];
  workloads?: readonly WorkloadId[];
  /** Rounds of the fast peers (default 3, quick 1). */
  rounds?: number;
  /** Timed ms per measurement after the minimum repetitions (default 2000, quick 150). */
  budgetMs?: number;
  log?: (line: string) => void;
}

interface JobOutcome {
  measurements: Measurement[];
  info: Record<string, string>;
  record: JobRecord;
}

/** Runs one peer process and turns whatever it reported (or failed to) into measurements. */
export function runJob(job: Job, config: PeerConfig, log: (line: string) => void): Promise<JobOutcome> {
  const timeoutMs = config.quick ? job.quickTimeoutMs : job.timeoutMs;
  const t0 = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, 'child.ts'), job.peer, job.variant, JSON.stringify(config)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const measurements: Measurement[] = [];
    const info: Record<string, string> = {};
    let plan: PlannedSystem[] | null = null;
    let stderr = '';
    let buffered = '';
    let timedOut = false;
    const onLine = (line: string): void => {
      const msg = parseLine(line);
      if (!msg) return;
      if (msg.type === 'plan') plan = msg.systems;
      else if (msg.type === 'info') info[msg.key] = msg.value;
      else {
        measurements.push(msg.measurement);
        const m = msg.measurement;
        log(`  ${job.id} ${m.workload} ${m.threads}T: ${m.status === 'ok' ? m.ms!.toFixed(2) + ' ms' : m.status}`);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (code: number | null, spawnError?: unknown): void => {
      clearTimeout(timer);
      if (buffered) onLine(buffered);
      const seconds = (performance.now() - t0) / 1000;
      const status: JobRecord['status'] = timedOut ? 'timed out' : code === 0 && !spawnError ? 'ok' : 'error';
      const systems: PlannedSystem[] = plan ?? [{ ...job.label, threads: 1, workloads: [...config.workloads] }];
      const lastErr = spawnError ? errorText(spawnError) : stderr.trim().split('\n').slice(-3).join(' | ');
      for (const s of systems) {
        for (const id of s.workloads) {
          const seen = measurements.some((m) => m.peer === s.peer && m.variant === s.variant && m.threads === s.threads && m.workload === id);
          if (seen) continue;
          measurements.push(
            timedOut
              ? { peer: s.peer, variant: s.variant, threads: s.threads, workload: id, status: 'timed out', note: `the ${job.id} process passed its ${timeoutMs / 1000} s limit before this one` }
              : { peer: s.peer, variant: s.variant, threads: s.threads, workload: id, status: 'error', note: `process exited with ${code}: ${lastErr.slice(-300)}` },
          );
        }
      }
      log(`${job.id}: ${status} in ${seconds.toFixed(1)} s`);
      resolvePromise({ measurements, info, record: { id: job.id, status, seconds, exitCode: code } });
    };
    child.on('error', (e) => finish(null, e));
    child.on('close', (code) => finish(code));
  });
}

/** Jobs fast enough to repeat in every round. */
const ROUNDED = new Set(['recur-wasm', 'onnxruntime', 'tfjs-wasm', 'pytorch']);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One measurement per system and workload: the median of the rounds' medians, every sample kept. */
export function mergeRounds(rounds: Measurement[][]): Measurement[] {
  const key = (m: Measurement): string => `${m.peer}|${m.variant}|${m.threads}|${m.workload}`;
  const groups = new Map<string, Measurement[]>();
  for (const m of rounds.flat()) {
    const group = groups.get(key(m));
    if (group) group.push(m);
    else groups.set(key(m), [m]);
  }
  return [...groups.values()].map((all) => {
    const ok = all.filter((m) => m.status === 'ok' && m.ms !== undefined);
    if (ok.length <= 1) return ok[0] ?? all[0]!;
    const first = ok[0]!;
    const ms = median(ok.map((m) => m.ms!));
    const scaled = first.scaled ? { ...first.scaled, unitMs: median(ok.map((m) => m.scaled!.unitMs)) } : undefined;
    return { ...first, ms, samples: ok.flatMap((m) => m.samples ?? []), roundMs: ok.map((m) => m.ms!), ...(scaled ? { scaled } : {}) };
  });
}

/** One whole benchmark run; writes the report and returns the results. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? ((line: string) => console.log(line));
  const workloads = options.workloads ?? WORKLOADS.map((w) => w.id);
  const config: PeerConfig = { quick: options.quick, workloads: [...workloads], budgetMs: options.budgetMs ?? (options.quick ? 150 : 2000) };
  const machine = machineInfo();
  const started = new Date();
  // Before the peers, on a quiet machine: the 128-bit WASM arithmetic ceiling of this CPU.
  const ceiling = await measureCeiling(options.quick ? 2 : 7);
  const jobs = JOBS.filter((j) => !options.jobs || options.jobs.includes(j.id));
  const measurements: Measurement[] = [];
  const info: Record<string, string> = {};
  const records: JobRecord[] = [];
  // The machine's speed drifts over minutes (shared hosts): the fast peers run in interleaved
  // rounds, so each sees the same slow and quiet spells, and each figure is the median of its
  // per-round medians. The slow JS-only peers run once.
  const rounds = options.rounds ?? (options.quick ? 1 : 3);
  const perRound: Measurement[][] = [];
  for (let round = 1; round <= rounds; round++) {
    const these = jobs.filter((j) => round === 1 || ROUNDED.has(j.id));
    const found: Measurement[] = [];
    for (const job of these) {
      log(`${job.id}: running, round ${round} of ${rounds} (limit ${(options.quick ? job.quickTimeoutMs : job.timeoutMs) / 1000} s)`);
      const jobConfig = job.grad ? config : { ...config, workloads: config.workloads.filter((id) => !GRAD_WORKLOADS.includes(id)) };
      if (jobConfig.workloads.length === 0) continue;
      const out = await runJob(job, jobConfig, log);
      found.push(...out.measurements);
      Object.assign(info, out.info);
      records.push(out.record);
    }
    perRound.push(found);
  }
  measurements.push(...mergeRounds(perRound));
  const selected = selectWorkloads(config);
  const flopsOf = (id: WorkloadId): number => flops(selected.find((w) => w.id === id)!);
  const recurHas2Threads = measurements.some((m) => m.peer === 'recur' && m.threads === 2 && m.status === 'ok');
  const results: BenchResults = {
    schema: 1,
    quick: options.quick,
    date: started.toISOString(),
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    machine: { ...machine, loadAverageEnd: machineInfo().loadAverageStart },
    ceiling,
    versions: { ...packageVersions(), ...info },
    flopFormula: FLOP_FORMULA,
    workloads: selected.map((w) => ({ ...w, flops: flops(w) })),
    measurements,
    targets: evaluateTargets(measurements, flopsOf, recurHas2Threads, ceiling?.fusedOneThread ?? ceiling?.plainOneThread ?? null),
    agreement: agreement(measurements),
    jobs: records,
    settings: { budgetMs: config.budgetMs, recurThreads: recurHas2Threads ? [1, 2] : [1], rounds },
  };
  writeReport(results, options.markdownPath, options.jsonPath);
  return results;
}

function parseArgs(argv: string[]): BenchOptions {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const out = value('--out');
  const dir = out ? resolve(out) : quick ? mkdtempSync(join(tmpdir(), 'recur-bench-')) : null;
  const options: BenchOptions = {
    quick,
    markdownPath: dir ? join(dir, 'BENCHMARKS.md') : join(REPO_ROOT, 'BENCHMARKS.md'),
    jsonPath: dir ? join(dir, 'results.json') : join(HERE, 'results.json'),
  };
  const jobs = value('--peers');
  if (jobs) options.jobs = jobs.split(',');
  const rounds = value('--rounds');
  if (rounds) options.rounds = Math.max(1, Number.parseInt(rounds, 10) || 1);
  const wl = value('--workloads');
  if (wl) options.workloads = wl.split(',') as WorkloadId[];
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const options = parseArgs(process.argv.slice(2));
  const results = await runBench(options);
  const misses = results.targets.filter((t) => t.verdict === 'miss').length;
  console.log(`\nwrote ${options.markdownPath} and ${options.jsonPath} in ${results.durationSeconds.toFixed(0)} s; targets: ` +
    `${results.targets.filter((t) => t.verdict === 'pass').length} pass, ${misses} miss, ${results.targets.filter((t) => t.verdict === 'n/a').length} n/a`);
}
