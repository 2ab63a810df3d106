// The machine's WebAssembly SIMD128 arithmetic ceiling, measured in the bench's own run so that
// recur's GFLOP/s can be read against what 128-bit WASM can do here at all, and the peers' native
// kernels against the CPU's own vector width. A register-only loop of independent multiply-add
// chains (no memory traffic) is compiled from AssemblyScript at run time; it is timed on one
// thread and on every thread at once.
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { kernelVariant } from '../src/kernels/wasm/module.js';

/** Chains of `a = a * x + y`: 12 keep two 4-cycle FMA pipes busy with room to spare. */
const CHAINS = 12;

function source(fused: boolean): string {
  const op = fused ? 'f32x4.relaxed_madd(a$, x, y)' : 'f32x4.add(f32x4.mul(a$, x), y)';
  const ids = Array.from({ length: CHAINS }, (_, i) => i);
  return [
    'export function run(n: i32): f32 {',
    '  const x = f32x4.splat(<f32>0.9999999), y = f32x4.splat(<f32>1e-7);',
    ...ids.map((i) => `  let a${i} = f32x4.splat(<f32>${1 + i / 100});`),
    '  for (let i = 0; i < n; i++) {',
    ...ids.map((i) => `    a${i} = ${op.replaceAll('a$', `a${i}`)};`),
    '  }',
    `  return ${ids.map((i) => `f32x4.extract_lane(a${i}, 0)`).join(' + ')};`,
    '}',
  ].join('\n');
}

async function compile(fused: boolean): Promise<WebAssembly.Module> {
  const out: { wasm: Uint8Array | null } = { wasm: null };
  const { error, stderr } = await asc.main(
    ['peak.ts', '--outFile', 'peak.wasm', '-O3', '--runtime', 'stub', '--enable', fused ? 'simd,relaxed-simd' : 'simd'],
    {
      readFile: (name: string) => (name === 'peak.ts' ? source(fused) : null),
      writeFile: (name: string, contents: string | Uint8Array) => {
        if (name.endsWith('.wasm') && typeof contents !== 'string') out.wasm = contents;
      },
      listFiles: () => [],
    },
  );
  if (error || !out.wasm) throw new Error(`ceiling kernel: ${error?.message ?? 'no output'} ${stderr.toString()}`);
  return new WebAssembly.Module(new Uint8Array(out.wasm));
}

/** Iterations per timed call: ~50 ms at 50 GFLOP/s. */
const N = 25_000_000;
const flopsPerCall = N * CHAINS * 4 * 2;

/** Best GFLOP/s of `reps` calls (the least disturbed), after one warm-up call. */
function timeModule(module: WebAssembly.Module, reps: number): number {
  const run = new WebAssembly.Instance(module, { env: { abort: () => undefined } }).exports.run as (n: number) => number;
  run(N);
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    run(N);
    best = Math.min(best, performance.now() - t0);
  }
  return flopsPerCall / (best * 1e6);
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const run = new WebAssembly.Instance(workerData.module, { env: { abort() {} } }).exports.run;
parentPort.once('message', () => {
  run(workerData.n);
  const times = [];
  for (let r = 0; r < workerData.reps; r++) { const t0 = performance.now(); run(workerData.n); times.push(performance.now() - t0); }
  parentPort.postMessage(Math.min(...times));
});`;

/** Sum of every thread's best GFLOP/s while all run the loop at once. */
async function allThreads(module: WebAssembly.Module, threads: number, reps: number): Promise<number> {
  const workers = Array.from({ length: threads - 1 }, () => new Worker(WORKER, { eval: true, workerData: { module, n: N, reps } }));
  await new Promise((r) => setTimeout(r, 200)); // let them compile before the start signal
  const replies = workers.map((w) => new Promise<number>((resolve, reject) => w.once('message', resolve).once('error', reject)));
  workers.forEach((w) => w.postMessage('go'));
  const local = timeModule(module, reps);
  const ms = await Promise.all(replies);
  await Promise.all(workers.map((w) => w.terminate()));
  return local + ms.reduce((s, t) => s + flopsPerCall / (t * 1e6), 0);
}

export interface Ceiling {
  /** Fused multiply-add (relaxed SIMD) peak of one thread, GFLOP/s; null where relaxed SIMD is off. */
  fusedOneThread: number | null;
  fusedAllThreads: number | null;
  /** Separate multiply and add (plain SIMD128). */
  plainOneThread: number;
  threads: number;
  /** Widest vectors the CPU offers native code (from /proc/cpuinfo), e.g. 'AVX-512 (512-bit)'. */
  nativeVectors: string;
}

function nativeVectors(): string {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'))?.split(/\s+/) ?? [];
    if (flags.includes('avx512f')) return 'AVX-512 (512-bit, 16 floats)';
    if (flags.includes('avx2')) return 'AVX2 (256-bit, 8 floats)';
    return 'SSE (128-bit, 4 floats)';
  } catch {
    return 'unknown';
  }
}

export async function measureCeiling(reps = 7): Promise<Ceiling> {
  const threads = cpus().length;
  const plain = timeModule(await compile(false), reps);
  // kernelVariant() turns on Node 20's relaxed-SIMD flag where the runtime has it, as for recur.
  const fused = kernelVariant() === 'relaxed' ? await compile(true) : null;
  return {
    fusedOneThread: fused ? timeModule(fused, reps) : null,
    fusedAllThreads: fused && threads > 1 ? await allThreads(fused, threads, reps) : null,
    plainOneThread: plain,
    threads,
    nativeVectors: nativeVectors(),
  };
}

if (process.argv[1]?.endsWith('ceiling.ts')) console.log(await measureCeiling());

interface Figure {
  label: string;
  ms: number;
  flops: number;
}

/**
 * The report's section: the measured ceiling, recur's one-thread speed as a share of it, and
 * for each two-thread target against onnxruntime-node the speed recur would need, beside the
 * all-threads WASM ceiling (a target above the ceiling cannot be met by 128-bit WASM here).
 */
export function ceilingMarkdown(c: Ceiling, best: { recur1T: Figure | null; twoThreadTargets: Array<{ id: string; onnx: Figure }> }): string {
  const g = (f: Figure): number => f.flops / (f.ms * 1e6);
  const peak1 = c.fusedOneThread ?? c.plainOneThread;
  const peakAll = c.fusedAllThreads ?? peak1 * c.threads;
  const lines = [
    'A register-only loop of 12 independent 4-wide multiply-add chains (no memory traffic), compiled from AssemblyScript and timed in this run (bench/ceiling.ts): ' +
      'the most 128-bit WebAssembly SIMD can do on this machine, before any loads, stores or gate maths.',
    '',
    '| loop | GFLOP/s |',
    '|---|---|',
    `| fused multiply-add (relaxed SIMD), 1 thread | ${c.fusedOneThread === null ? 'not available' : c.fusedOneThread.toFixed(1)} |`,
    `| fused multiply-add, ${c.threads} threads at once (sum) | ${c.fusedAllThreads === null ? 'not measured' : c.fusedAllThreads.toFixed(1)} |`,
    `| separate multiply and add (SIMD128), 1 thread | ${c.plainOneThread.toFixed(1)} |`,
    '',
    `The CPU's widest native vectors: ${c.nativeVectors}; WebAssembly SIMD has 4 floats per instruction.`,
  ];
  if (best.recur1T) {
    const r = best.recur1T;
    lines.push(`${r.label} ran at ${g(r).toFixed(1)} GFLOP/s, ${((100 * g(r)) / peak1).toFixed(0)}% of the one-thread ceiling.`);
  }
  if (best.twoThreadTargets.length) {
    lines.push(
      '',
      `What each two-thread target against onnxruntime-node asks of recur, beside the ${c.threads}-thread ceiling (${peakAll.toFixed(1)} GFLOP/s):`,
      '',
      '| workload | onnxruntime-node | its GFLOP/s | recur needs (2× its time) | share of the WASM ceiling |',
      '|---|---|---|---|---|',
      ...best.twoThreadTargets.map(({ id, onnx }) => {
        const need = g(onnx) / 2;
        return `| ${id} | ${onnx.label} ${onnx.ms.toFixed(2)} ms | ${g(onnx).toFixed(1)} | ${need.toFixed(1)} GFLOP/s | ${((100 * need) / peakAll).toFixed(0)}% |`;
      }),
    );
  }
  return lines.join('\n');
}
