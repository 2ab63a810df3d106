// PyTorch (CPU) through python3, for W2 and W3 only, with torch.set_num_threads(1) and (2),
// each thread count in its own python subprocess (pytorch_bench.py). Records 'not installed'
// when no python3 on this machine can `import torch`.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../harness.js';
import type { PeerRunner } from '../harness.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../models.js';
import { digestIndices, makeInput, selectWorkloads, type Measurement, type Workload, type WorkloadId } from '../workloads.js';

export const PYTORCH_WORKLOADS: readonly WorkloadId[] = ['W2', 'W3'];
const PYTHONS = ['/usr/bin/python3', 'python3'];
const SCRIPT = fileURLToPath(new URL('./pytorch_bench.py', import.meta.url));

/** The first python3 that imports torch, with torch's version, or null. */
export function findTorch(): { python: string; version: string } | null {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return null;
}

interface PyLine {
  id: WorkloadId;
  samples?: number[];
  digest?: number[];
  error?: string;
}

let scratch: string | null = null;

/**
 * recur's weights and the workload input as raw float32 files, so PyTorch runs the very same
 * forward pass (its output sampled at `digestIndices` for the agreement check).
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
  return { weightsDir: dir, params, digestIndices: digestIndices(wl.seq * wl.batch * D * wl.hiddenSize) };
}

export const runPeer: PeerRunner = async (_variant, config, report) => {
  const workloads = selectWorkloads(config).filter((w) => PYTORCH_WORKLOADS.includes(w.id));
  const ids = workloads.map((w) => w.id);
  report.plan([1, 2].map((threads) => ({ peer: 'pytorch', variant: '', threads, workloads: ids })));
  const torch = findTorch();
  report.info('pytorch.version', torch ? `${torch.version} (${torch.python})` : 'not installed');
  for (const threads of [1, 2]) {
    const base = (id: WorkloadId): Pick<Measurement, 'peer' | 'variant' | 'threads' | 'workload'> => ({ peer: 'pytorch', variant: '', threads, workload: id });
    if (!torch) {
      for (const id of ids) report.result({ ...base(id), status: 'not installed', note: `no python3 (${PYTHONS.join(', ')}) can import torch` });
      continue;
    }
    const payload = {
      threads,
      budget_ms: config.budgetMs,
      workloads: workloads.map((w) => ({ ...w, minReps: 5, maxReps: 50, ...(w.kind === 'forward' ? sameModel(w) : {}) })),
    };
    const r = spawnSync(torch.python, [SCRIPT, JSON.stringify(payload)], { encoding: 'utf8', timeout: 300_000 });
    const lines = (r.stdout ?? '').split('\n').filter((l) => l.startsWith('{'));
    const byId = new Map<WorkloadId, PyLine>(lines.map((l) => JSON.parse(l) as PyLine).map((p) => [p.id, p]));
    for (const id of ids) {
      const p = byId.get(id);
      if (p?.samples && p.samples.length > 0) {
        const m: Measurement = {
          ...base(id),
          status: 'ok',
          ms: median(p.samples),
          samples: p.samples.map((x) => Math.round(x * 1000) / 1000),
          note: `torch ${torch.version}, torch.set_num_threads(${threads}); ${
            id === 'W3' ? "nn.LSTM + nn.Linear, mse_loss, Adam; PyTorch's default init" : "nn.LSTM under torch.no_grad() with recur's weights and input"
          }`,
        };
        if (p.digest) m.digest = p.digest;
        report.result(m);
      } else {
        report.result({ ...base(id), status: 'error', note: (p?.error ?? r.stderr ?? 'no output').slice(-300) });
      }
    }
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
};
