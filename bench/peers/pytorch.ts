// PyTorch (CPU) through python3, on W2, W3 and the autograd workloads W7/W8, each thread
// configuration in its own python subprocess (pytorch_bench.py). Honest figures only:
// - the BLAS torch loads is checked first (blas.ts); a reference/generic BLAS is refused, with
//   what to install, rather than reported;
// - threads are never oversubscribed: 1T = torch 1 × BLAS 1; 2T = the better of torch 2 × BLAS 1
//   and torch 1 × BLAS 2 (torch's intra-op threads each calling a 2-thread BLAS would ask for 4).
// Records 'not installed' when no python3 on this machine can `import torch`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../harness.js';
import type { PeerRunner, Reporter } from '../harness.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../models.js';
import { blasInfoOf, classifyBlas, type BlasCheck } from './blas.js';
import { digestIndices, makeInput, selectWorkloads, type Measurement, type Workload, type WorkloadId } from '../workloads.js';

export const PYTORCH_WORKLOADS: readonly WorkloadId[] = ['W2', 'W3', 'W7', 'W8'];
const PYTHONS = ['/usr/bin/python3', 'python3'];
const SCRIPT = fileURLToPath(new URL('./pytorch_bench.py', import.meta.url));

/** A thread setting of one python process: torch.set_num_threads and the BLAS's own threads. */
export interface TorchThreads {
  torch: number;
  blas: number;
}

/** The configurations run for each total thread count; the best of each group is reported. */
export const THREAD_CONFIGS: ReadonlyArray<{ threads: number; configs: TorchThreads[] }> = [
  { threads: 1, configs: [{ torch: 1, blas: 1 }] },
  { threads: 2, configs: [{ torch: 2, blas: 1 }, { torch: 1, blas: 2 }] },
];

/** The environment that pins a configuration's threads (OpenBLAS and MKL read these at load). */
export function threadEnv(c: TorchThreads): Record<string, string> {
  const n = String(c.blas);
  return { OMP_NUM_THREADS: String(c.torch), OPENBLAS_NUM_THREADS: n, GOTO_NUM_THREADS: n, MKL_NUM_THREADS: n, BLIS_NUM_THREADS: n };
}

const PROBE = [
  'import json, torch',
  "maps = ''.join(l for l in open('/proc/self/maps') if any(k in l.lower() for k in ('blas', 'lapack', 'mkl', 'blis', 'atlas')))",
  "print(json.dumps({'version': torch.__version__, 'maps': maps, 'config': torch.__config__.show()}))",
].join('\n');

/** The first python3 that imports torch, with torch's version and the BLAS it loads, or null. */
export function findTorch(): { python: string; version: string; blas: BlasCheck } | null {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', PROBE], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) continue;
    const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as { version: string; maps: string; config: string };
    return { python, version: p.version, blas: classifyBlas(p.maps, blasInfoOf(p.config)) };
  }
  return null;
}

interface PyLine {
  id?: WorkloadId;
  grad?: boolean;
  samples?: number[];
  digest?: number[];
  error?: string;
  threads?: { torch: number; blas: number | null };
}

let scratch: string | null = null;

/**
 * recur's weights and the workload input as raw float32 files, so PyTorch runs the very same
 * forward pass (its output sampled at `digestIndices` for the agreement check; W8: the last step).
 */
function sameModel(wl: Workload): { weightsDir: string; params: Array<{ name: string; shape: number[] }>; digestIndices: number[] } {
  scratch ??= mkdtempSync(join(tmpdir(), 'recur-bench-torch-'));
  const dir = join(scratch, wl.id);
  mkdirSync(dir, { recursive: true });
  const layer = buildLayer(wl);
  const params = layer.namedParameters().map(([name, t]) => {
    writeFileSync(join(dir, `${name}.f32`), new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    return { name, shape: [...t.shape] };
  });
  const x = makeInput(wl);
  writeFileSync(join(dir, 'input.f32'), new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  const D = wl.bidirectional ? 2 : 1;
  const outSteps = wl.kind === 'forward' ? wl.seq : 1;
  return { weightsDir: dir, params, digestIndices: digestIndices(outSteps * wl.batch * D * wl.hiddenSize) };
}

const WHAT: Partial<Record<WorkloadId, string>> = {
  W2: "nn.LSTM under torch.no_grad() with recur's weights and input",
  W3: "nn.LSTM + nn.Linear, mse_loss, Adam; PyTorch's default init",
  W7: 'layer.zero_grad(); mse_loss(nn.LSTM(x [1, 1, 64])[0], target).backward()',
  W8: "100 calls of nn.LSTM(x [1, 1, 64], (h, c)) with gradients enabled (the default), recur's weights",
};
const WHAT_NO_GRAD: Partial<Record<WorkloadId, string>> = {
  W7: 'reference: nn.LSTM(x [1, 1, 64]) under torch.no_grad() (forward only)',
  W8: "reference: the same 100 calls under torch.no_grad(), recur's weights",
};

/** One configuration's samples per (workload, grad mode), plus the threads the process reported. */
function runConfig(python: string, c: TorchThreads, workloads: Workload[], budgetMs: number): { lines: PyLine[]; stderr: string; seen: PyLine['threads'] } {
  const payload = {
    threads: c.torch,
    budget_ms: budgetMs,
    workloads: workloads.map((w) => ({ ...w, minReps: 5, maxReps: 50, ...(w.kind !== 'train' && w.kind !== 'backward' ? sameModel(w) : {}) })),
  };
  const r = spawnSync(python, [SCRIPT, JSON.stringify(payload)], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...threadEnv(c) } });
  const lines = (r.stdout ?? '')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as PyLine);
  return { lines: lines.filter((l) => l.id), stderr: r.stderr ?? '', seen: lines.find((l) => l.threads)?.threads };
}

const label = (c: TorchThreads, blasName: string): string => `torch.set_num_threads(${c.torch}) × ${blasName} at ${c.blas} thread${c.blas > 1 ? 's' : ''}`;

export const runPeer: PeerRunner = async (_variant, config, report) => {
  const workloads = selectWorkloads(config).filter((w) => PYTORCH_WORKLOADS.includes(w.id));
  const ids = workloads.map((w) => w.id);
  const gradIds = workloads.filter((w) => w.kind === 'backward' || w.kind === 'steps-grad').map((w) => w.id);
  report.plan(
    THREAD_CONFIGS.flatMap(({ threads }) => [
      { peer: 'pytorch', variant: '', threads, workloads: ids },
      ...(gradIds.length ? [{ peer: 'pytorch', variant: 'no_grad', threads, workloads: gradIds }] : []),
    ]),
  );
  const torch = findTorch();
  report.info('pytorch.version', torch ? `${torch.version} (${torch.python})` : 'not installed');
  if (torch) report.info('pytorch.blas', `${torch.blas.name}${torch.blas.libraries.length ? ': ' + torch.blas.libraries.join(', ') : ''}`);
  const refuse = (status: Measurement['status'], note: string): void => {
    for (const { threads } of THREAD_CONFIGS) {
      for (const id of ids) report.result({ peer: 'pytorch', variant: '', threads, workload: id, status, note });
      for (const id of gradIds) report.result({ peer: 'pytorch', variant: 'no_grad', threads, workload: id, status, note });
    }
  };
  if (!torch) return refuse('not installed', `no python3 (${PYTHONS.join(', ')}) can import torch`);
  if (!torch.blas.optimised) return refuse('skipped', torch.blas.refusal);
  const threadNotes: string[] = [];
  for (const { threads, configs } of THREAD_CONFIGS) {
    const runs = configs.map((c) => ({ c, ...runConfig(torch.python, c, workloads, config.budgetMs) }));
    for (const run of runs) {
      threadNotes.push(`${label(run.c, torch.blas.name)}: torch reported ${run.seen?.torch ?? '?'} intra-op threads, the BLAS ${run.seen?.blas ?? 'n/a'}`);
    }
    for (const grad of [true, false]) {
      for (const id of grad ? ids : gradIds) {
        emitBest(report, { threads, grad, id, version: torch.version, blasName: torch.blas.name }, runs);
      }
    }
  }
  report.info('pytorch.threads', threadNotes.join('; '));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
};

/** Reports the fastest configuration's figure for one workload, naming every configuration's median. */
function emitBest(
  report: Reporter,
  k: { threads: number; grad: boolean; id: WorkloadId; version: string; blasName: string },
  runs: Array<{ c: TorchThreads; lines: PyLine[]; stderr: string }>,
): void {
  const base = { peer: 'pytorch', variant: k.grad ? '' : 'no_grad', threads: k.threads, workload: k.id };
  const found = runs.map((r) => ({ ...r, line: r.lines.find((l) => l.id === k.id && (l.grad ?? true) === k.grad) }));
  const timed = found.filter((f) => f.line?.samples && f.line.samples.length > 0).map((f) => ({ ...f, ms: median(f.line!.samples!) }));
  if (timed.length === 0) {
    const f = found[0]!;
    report.result({ ...base, status: 'error', note: (f.line?.error ?? f.stderr ?? 'no output').slice(-300) });
    return;
  }
  const best = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
  const others = timed.length > 1 ? ` (best of: ${timed.map((t) => `torch ${t.c.torch} × BLAS ${t.c.blas}: ${t.ms.toFixed(2)} ms`).join(', ')})` : '';
  const what = (k.grad ? WHAT : WHAT_NO_GRAD)[k.id] ?? '';
  const m: Measurement = {
    ...base,
    status: 'ok',
    ms: best.ms,
    samples: best.line!.samples!.map((x) => Math.round(x * 1000) / 1000),
    note: `torch ${k.version}, ${label(best.c, k.blasName)}${others}; ${what}`,
  };
  if (best.line!.digest) m.digest = best.line!.digest;
  report.result(m);
}
