// Writes BENCHMARKS.md and results.json from one run's results.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, platform, release, arch, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelVariant } from '../src/kernels/wasm/module.js';
import { ceilingMarkdown, type Ceiling } from './ceiling.js';
import { AGREEMENT_TOLERANCE, peerBest, recurBest, type AgreementRow, type TargetResult } from './analysis.js';
import { renderBrowserSection, withBrowserSection, type BrowserResults } from './browser/report.js';
import { systemLabel, type Measurement, type Workload, type WorkloadId } from './workloads.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  os: string;
  loadAverageStart: number[];
  loadAverageEnd?: number[];
  gitCommit: string;
}

export interface JobRecord {
  id: string;
  status: 'ok' | 'timed out' | 'error';
  seconds: number;
  exitCode: number | null;
}

export interface BenchResults {
  schema: 1;
  quick: boolean;
  date: string;
  durationSeconds: number;
  machine: MachineInfo;
  /** The 128-bit WASM SIMD ceiling measured in the same run (absent in results from before it). */
  ceiling?: Ceiling;
  versions: Record<string, string>;
  flopFormula: string;
  workloads: Array<Workload & { flops: number }>;
  measurements: Measurement[];
  targets: TargetResult[];
  agreement: AgreementRow[];
  jobs: JobRecord[];
  settings: { budgetMs: number; recurThreads: number[]; rounds?: number };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
}

function gitCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '';
  return r.stdout.trim() + (dirty ? ' (with uncommitted changes)' : '');
}

export function machineInfo(): MachineInfo {
  const gib = (b: number): number => Math.round((b / 2 ** 30) * 10) / 10;
  return {
    cpuModel: cpuModel(),
    cores: cpus().length,
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    loadAverageStart: loadavg().map((v) => Math.round(v * 100) / 100),
    gitCommit: gitCommit(),
  };
}

const PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  'onnxruntime-node',
  'onnxruntime-web',
  'brain.js',
  'tsx',
];

export function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  out['recur'] = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  // The children pick the same build by the same rule (RECUR_WASM overrides both).
  out['recur WASM build'] = kernelVariant() === 'relaxed' ? 'relaxed SIMD (fused multiply-add in the GEMM)' : 'SIMD128';
  for (const p of PACKAGES) {
    try {
      out[p] = (require(`${p}/package.json`) as { version: string }).version;
    } catch {
      // Some packages (onnxruntime-web) do not export their package.json.
      const file = join(ROOT, 'node_modules', p, 'package.json');
      out[p] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'not installed';
    }
  }
  return out;
}

/** What each peer runs, in words (the per-measurement notes add specifics). */
export const PEER_NOTES: Record<string, string> = {
  recur:
    "recur's own layers (`lstm`/`gru`/`rnn` from src/, seed 42) through `layer.forward(x)` under `noGrad` (W1, W2, W4-W6), " +
    '`layer.step(x, state)` 100 times (W1s), and forward + `Linear` head + `mse` + `backward()` + `adam().step()` (W3). ' +
    'W7: `layer.zeroGrad()`, `mse(layer.forward(x).output, target).backward()` on one step of batch 1; W8: the W1s loop with gradients ' +
    "enabled (the default); both also under `noGrad` as a reference ('recur wasm noGrad': W7 forward only, W8 = W1s). " +
    "One process per kernel backend: 'wasm' (the WebAssembly SIMD kernels, at 1 and 2 threads when the backend has `setThreads`) " +
    "and 'js' (the TypeScript reference, 3 repetitions after a small-shape warm-up on the large workloads).",
  'onnxruntime-node':
    'onnxruntime-node, CPU execution provider, on the model `exportOnnx(layer)` writes for the very same recur layer (same weights), ' +
    'intraOpNumThreads 1 and 2, interOpNumThreads 1, sequential execution, all graph optimisations. W1s: 100 `session.run` calls on a ' +
    'one-step input with h_n/c_n fed back as h0/c0. Inference only: no W3.',
  tfjs:
    "TensorFlow.js 4.22 (tfjs-core + tfjs-layers) on the 'cpu' (plain JS) and 'wasm' (XNNPACK SIMD) backends, one process each. " +
    "Eager `layer.apply` of `tf.layers.lstm/gru/simpleRNN` (batch-major input; `bidirectional` with mergeMode 'concat' for W6) loaded " +
    "with recur's weights (bias = b_ih + b_hh; LSTM recurrentActivation 'sigmoid'), output read back with dataSync. " +
    "GRU: tfjs-layers has no reset_after, so its GRU differs from PyTorch's (same FLOPs) and keeps its own weights. " +
    'W1s: 100 `apply` calls on a one-step input with returnState and initialState. W3: `model.trainOnBatch` of a sequential ' +
    "LSTM + Dense(64) model compiled with Adam(1e-3) and 'meanSquaredError'. The wasm backend runs one thread in Node.",
  'brain.js':
    'brain.js 1.6.1 `recurrent.LSTMTimeStep` / `GRUTimeStep` / `RNNTimeStep` with input 64, hiddenLayers [256], outputSize 64. ' +
    'It has no batch dimension, adds its own output layer (hidden→64) at every step and starts every `run()` from a zero state: ' +
    'W1 is one `run()` over a 100-step sequence; for W2/W4/W5 one `run()` over one 100-step sequence is timed and the figure is ' +
    '64 × its median (64 sequences = 64 sequential calls); W1s (no carried state) and W6 (no bidirectional nets) are not possible. ' +
    'W3: one `trainPattern()` on a 50-step sequence is timed, figure = 32 × its median: the same data volume, but 32 updates of its ' +
    'RMSProp-like rule on next-step prediction rather than one Adam step on a batch, so it is not the same training step. ' +
    'Its own random weights (not comparable outputs).',
  pytorch:
    'PyTorch CPU via python3 (bench/peers/pytorch_bench.py), each thread setting in its own subprocess. First the BLAS it loads is read from ' +
    "the process's /proc/self/maps (Versions: pytorch.blas); a reference/generic BLAS is refused, not reported (Debian's python3-torch uses " +
    'whatever libblas.so.3 the system has: install `libopenblas0-pthread`). Threads are never oversubscribed: 1T = `torch.set_num_threads(1)` ' +
    'with OPENBLAS_NUM_THREADS=1; 2T = the better of torch 2 × OpenBLAS 1 and torch 1 × OpenBLAS 2 (both medians in the note). ' +
    "W2 (nn.LSTM under no_grad, loaded with recur's weights and input, passed as raw float32 files), W3 (nn.LSTM + nn.Linear, " +
    "mse_loss, Adam; PyTorch's default initialisation), W7 (zero_grad, nn.LSTM on one step, mse_loss, backward) and W8 (100 one-step calls " +
    "carrying (h, c), gradients enabled, recur's weights), with W7/W8 also under torch.no_grad() as a reference ('pytorch no_grad'). " +
    'Timed with time.perf_counter, same warm-up and repetition rules. Recorded as not installed when no python3 can `import torch`.',
};

const fmtMs = (ms: number): string => (ms >= 1000 ? ms.toFixed(0) : ms >= 100 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const cell = (m: Measurement | undefined): string => (!m ? '–' : m.status === 'ok' ? fmtMs(m.ms!) + (m.scaled ? ' †' : '') : m.status);
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function systemsOf(ms: Measurement[]): string[] {
  const order = ['recur', 'onnxruntime-node', 'tfjs', 'pytorch', 'brain.js'];
  const seen = new Map<string, Measurement>();
  for (const m of ms) if (!seen.has(systemLabel(m))) seen.set(systemLabel(m), m);
  return [...seen.entries()]
    .sort(([, a], [, b]) => order.indexOf(a.peer) - order.indexOf(b.peer) || a.variant.localeCompare(b.variant) || a.threads - b.threads)
    .map(([label]) => label);
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function renderMarkdown(r: BenchResults, jsonPath: string): string {
  const out: string[] = [];
  const ids = r.workloads.map((w) => w.id);
  const systems = systemsOf(r.measurements);
  const find = (label: string, id: WorkloadId): Measurement | undefined => r.measurements.find((m) => systemLabel(m) === label && m.workload === id);
  // recur's figures the ratios are taken against: the fast backend when it ran, else the reference.
  const recurRefs = systems.filter((s) => s.startsWith('recur ') && !s.startsWith('recur js') && !s.includes(' noGrad '));
  const refs = recurRefs.length > 0 ? recurRefs : systems.filter((s) => s.startsWith('recur '));

  out.push('# Benchmarks', '');
  out.push(
    `recur against its peers, side by side in one run of \`npm run bench\` (bench/run.ts), ${r.date} (${r.durationSeconds.toFixed(0)} s). ` +
      `Raw figures: \`${jsonPath}\`. Times are **ms per call, the median of the timed repetitions after warm-up** (of the per-round medians where peers ran in rounds, see Method); fp32, CPU.`,
    '',
  );
  if (r.quick) out.push('> **Quick mode**: tiny shapes for smoke testing; these figures say nothing about performance.', '');
  const load = Math.max(...r.machine.loadAverageStart, ...(r.machine.loadAverageEnd ?? []));
  if (load > r.machine.cores) {
    out.push(
      `> **Busy machine**: the load average reached ${load} on ${r.machine.cores} cores during this run (other work shared them), so absolute times are ` +
        'inflated, two-thread figures most; compare ratios of figures from the same rounds.',
      '',
    );
  }

  out.push('## Machine', '');
  const m = r.machine;
  out.push(
    table(
      ['CPU', 'cores', 'memory', 'Node', 'OS', 'load average at start → end (1, 5, 15 min)', 'recur commit'],
      [[m.cpuModel, String(m.cores), `${m.memoryGiB} GiB`, m.node, m.os, `${m.loadAverageStart.join(', ')} → ${(m.loadAverageEnd ?? []).join(', ')}`, m.gitCommit]],
    ),
    '',
  );
  out.push('## Versions', '');
  out.push(table(['component', 'version'], Object.entries(r.versions).map(([k, v]) => [k, esc(v)])), '');

  out.push('## Summary (median ms per call; lower is better)', '');
  out.push(table(['system', ...ids], systems.map((s) => [s, ...ids.map((id) => cell(find(s, id)))])), '');
  out.push(
    '`nT` = threads. n/a: the peer cannot run that workload (see the notes); `–`: not run. ' +
      "†: brain.js has no batch dimension: one sequence was timed and the figure is batch × that median (B sequences are B sequential calls).",
    '',
  );

  out.push('## Targets', '');
  out.push('Reported, not enforced: the bench never fails on a miss.', '');
  out.push(table(['workload', 'target', 'measured', 'result'], r.targets.map((t) => [t.workload, t.target, esc(t.measured), t.verdict === 'pass' ? '**pass**' : t.verdict === 'miss' ? '**miss**' : 'n/a'])), '');

  if (r.ceiling) {
    out.push('## Ceiling: what 128-bit WebAssembly can do on this machine', '');
    out.push(ceilingMarkdown(r.ceiling, ceilingFigures(r)), '');
  }

  for (const w of r.workloads) {
    out.push(`## ${w.id}: ${w.title}`, '');
    const shape = `input ${w.inputSize}, hidden ${w.hiddenSize}, batch ${w.batch}, seq ${w.seq}${w.numLayers > 1 ? `, ${w.numLayers} layers` : ''}${w.bidirectional ? ', bidirectional' : ''}${w.headOut ? `, head ${w.hiddenSize}→${w.headOut}` : ''}`;
    out.push(`${shape}. Work per call: ${(w.flops / 1e9).toPrecision(3)} GFLOP (formula below). Speed-up = peer's time ÷ recur's time (above 1: recur is faster).`, '');
    const rows = systems
      .map((s) => find(s, w.id))
      .filter((x): x is Measurement => x !== undefined)
      .map((x) => {
        const ok = x.status === 'ok';
        const samples = (x.samples ?? []).map((v) => v * (x.scaled?.factor ?? 1));
        const ratios = refs.map((ref) => {
          const rm = find(ref, w.id);
          return ok && rm?.status === 'ok' && systemLabel(x) !== ref ? `${(x.ms! / rm.ms!).toFixed(2)}×` : '';
        });
        return [
          systemLabel(x),
          ok ? `**${fmtMs(x.ms!)}**${x.scaled ? ` † (${x.scaled.factor} × ${fmtMs(x.scaled.unitMs)})` : ''}` : x.status,
          ok ? String(samples.length) : '',
          ok && samples.length ? `${fmtMs(Math.min(...samples))}–${fmtMs(Math.max(...samples))}` : '',
          ok ? (w.flops / (x.ms! * 1e6)).toPrecision(3) : '',
          ...ratios,
          esc(x.note ?? ''),
        ];
      });
    out.push(table(['system', 'median ms', 'reps', 'min–max ms', 'GFLOP/s', ...refs.map((s) => `speed-up of ${s}`), 'what ran'], rows), '');
  }

  out.push('## Output agreement', '');
  out.push(
    `Each peer that loads recur's weights (onnxruntime-node on recur's ONNX export; tfjs for LSTM and RNN; PyTorch for W2 and W8) returns 32 output values ` +
      `spread over the whole output (W1s, W8: the last step), compared with recur's; they must agree within ${AGREEMENT_TOLERANCE} for the ` +
      'benchmark to compare the same computation.',
    '',
  );
  out.push(
    r.agreement.length
      ? table(['workload', 'reference', 'system', 'max |difference|', `agree (≤ ${AGREEMENT_TOLERANCE})`], r.agreement.map((a) => [a.workload, a.reference, a.system, a.maxAbsDiff.toExponential(2), a.agree ? 'yes' : '**no**']))
      : 'No comparable outputs in this run.',
    '',
  );

  out.push('## What each peer measured', '');
  for (const [peer, text] of Object.entries(PEER_NOTES)) out.push(`- **${peer}**: ${text}`);
  out.push('');

  out.push('## Method', '');
  out.push(
    `- Every peer runs in its own Node process (bench/child.ts), one after another, so the peers do not compete for cores and tfjs's global backend state stays separate; each process has a time limit and unfinished workloads are recorded as "timed out".`,
    `- Per measurement: full-size warm-up calls (at least one, and more until 250 ms have gone, at most 500 calls and no longer than the timed budget: a JIT compiles a fast call's hot path only after many calls), then timed calls until at least 5 repetitions (3 when the warm-up call took over a second) and ${r.settings.budgetMs} ms of timed work, at most 50; the figure is the median. ` +
      'The two slowest systems skip the full-size warm-up for a 2-step one on the large workloads: tfjs-cpu (3 timed calls) and recur\'s JS reference (1 timed call, capped to keep the run short: a reference, not a target).',
    `- Rounds: ${(r.settings.rounds ?? 1) > 1 ? `recur wasm, onnxruntime-node, tfjs-wasm and PyTorch ran in ${r.settings.rounds} interleaved rounds (the machine's speed drifts over minutes); their figure is the median of the per-round medians, "reps" and min–max cover every round. The other peers ran once.` : 'one.'}`,
    `- recur threads measured: ${r.settings.recurThreads.join(' and ')}${r.settings.recurThreads.length === 1 ? " (the backend exposes no thread setting, so one thread only; the two-thread targets use the one-thread figure)" : ''}.`,
    `- FLOPs: ${r.flopFormula}`,
    '- Inputs are the same deterministic uniform values in every process (time-major [seq, batch, features]; batch-major copies for tfjs).',
    `- The machine was shared during the run (see the load average above): figures include that noise.`,
    '',
  );
  out.push(table(['process', 'status', 'seconds'], r.jobs.map((j) => [j.id, j.status, j.seconds.toFixed(1)])), '');
  out.push(
    '## Cell variants: the documented fallback',
    '',
    'Peephole, coupled-gate, clip, reset-before GRU, layer-norm, recurrent-dropout and zoneout layers run on the reference variant kernels ' +
      "(src/kernels/js/variants: TypeScript gate maths, the backend's WASM matrix products) instead of the fused WASM time loop: " +
      'about 2.5-5x the plain WASM cell and 5-10x faster than the all-TypeScript reference. Measured speeds per variant: docs/variants.md ' +
      '("Kernels: the documented fallback"), reproduced by `node --import tsx scripts/variants-bench.ts`:',
    '',
    variantsTable(),
    '',
  );
  return out.join('\n');
}

export function writeReport(r: BenchResults, markdownPath: string, jsonPath: string): void {
  mkdirSync(dirname(markdownPath), { recursive: true });
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(r, null, 2) + '\n');
  const shown = relative(dirname(markdownPath), jsonPath);
  let md = renderMarkdown(r, shown.startsWith('..') ? jsonPath : shown) + '\n';
  // Keep the in-browser table (written by `npm run bench:browser`) across runs of this bench
  // into the repository's BENCHMARKS.md (not into partial reports written elsewhere with --out).
  const browser = join(ROOT, 'bench', 'browser-results.json');
  if (!r.quick && resolve(markdownPath) === join(ROOT, 'BENCHMARKS.md') && existsSync(browser)) md = withBrowserSection(md, renderBrowserSection(JSON.parse(readFileSync(browser, 'utf8')) as BrowserResults));
  writeFileSync(markdownPath, md);
}

/** The variants' speed table as measured in docs/variants.md (empty if the file moved). */
function variantsTable(): string {
  try {
    const doc = readFileSync(new URL('../docs/variants.md', import.meta.url), 'utf8');
    const start = doc.indexOf('| cell | kernels | ms per forward |');
    if (start < 0) return '';
    const end = doc.indexOf('\n\n', start);
    return doc.slice(start, end < 0 ? undefined : end);
  } catch {
    return '';
  }
}

/** recur's best one-thread W2 figure (as the W2 GFLOP/s target takes it) and onnxruntime-node's best time on each two-thread target. */
function ceilingFigures(r: BenchResults): Parameters<typeof ceilingMarkdown>[1] {
  const flopsOf = (id: WorkloadId): number => r.workloads.find((w) => w.id === id)?.flops ?? 0;
  const w2 = recurBest(r.measurements, 'W2', 1);
  const twoThreadTargets = (['W2', 'W4', 'W5', 'W6'] as const).flatMap((id) => {
    const o = peerBest(r.measurements, 'onnxruntime-node', id);
    return o ? [{ id, onnx: { label: systemLabel(o), ms: o.ms, flops: flopsOf(id) } }] : [];
  });
  return { recur1T: w2 ? { label: `W2 on ${systemLabel(w2)}`, ms: w2.ms, flops: flopsOf('W2') } : null, twoThreadTargets };
}
