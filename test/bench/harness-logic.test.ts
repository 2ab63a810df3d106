// Fast checks of the benchmark harness's logic (no timing, no browser, no python): the BLAS
// check that refuses a reference BLAS under PyTorch, PyTorch's thread settings, the W7/W8
// workloads, and the "In the browser" table with its targets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noGrad } from '../../src/index.js';
import { classifyBlas, blasInfoOf, blasLibraries, BLAS_FIX } from '../../bench/peers/blas.js';
import { THREAD_CONFIGS, threadEnv } from '../../bench/peers/pytorch.js';
import { measure } from '../../bench/recur.js';
import { buildLayer, inputTensor } from '../../bench/models.js';
import { browserTargets, renderBrowserSection, withBrowserSection, SECTION_END, SECTION_START, type BrowserResults } from '../../bench/browser/report.js';
import { BROWSER_WORKLOADS, DEFAULT_SYSTEMS, parseSettings, settingsQuery } from '../../bench/browser/protocol.js';
import { evaluateTargets, recurBest } from '../../bench/analysis.js';
import { flops, GRAD_WORKLOADS, QUICK_WORKLOADS, WORKLOADS, type Measurement, type WorkloadId } from '../../bench/workloads.js';

const line = (path: string): string => `7f3a5c000000-7f3a5c200000 r-xp 00000000 fe:01 1234567                    ${path}`;
const LIBTORCH = line('/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13');

describe('the BLAS check under PyTorch', () => {
  it('refuses the netlib reference BLAS, saying what to install', () => {
    const maps = [LIBTORCH, line('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0'), line('/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0')].join('\n');
    const c = classifyBlas(maps, 'generic');
    assert.equal(c.kind, 'reference');
    assert.equal(c.optimised, false);
    assert.ok(c.refusal.includes('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0'), c.refusal);
    assert.ok(c.refusal.includes(BLAS_FIX) && BLAS_FIX.includes('libopenblas0-pthread'));
  });

  it('refuses the reference libblas.so.3 even when OpenBLAS is mapped too (through its liblapack.so.3)', () => {
    const maps = [
      LIBTORCH,
      line('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0'),
      line('/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3'),
      line('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'),
    ].join('\n');
    const c = classifyBlas(maps, 'generic');
    assert.deepEqual([c.kind, c.optimised], ['reference', false]);
  });

  it("accepts OpenBLAS through Debian's libblas.so.3 alternative and names its version and flavour", () => {
    const maps = [
      LIBTORCH,
      line('/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3'),
      line('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'),
      line('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so'),
    ].join('\n');
    const c = classifyBlas(maps, 'generic');
    assert.deepEqual([c.kind, c.name, c.optimised, c.refusal], ['openblas', 'OpenBLAS 0.3.21 (pthread)', true, '']);
    assert.equal(c.libraries.length, 2, 'each library once');
  });

  it('accepts MKL and BLIS, and a BLAS linked into libtorch only by its BLAS_INFO', () => {
    assert.equal(classifyBlas(line('/opt/intel/lib/libmkl_rt.so.2')).kind, 'mkl');
    assert.equal(classifyBlas(line('/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4')).kind, 'blis');
    assert.equal(classifyBlas(LIBTORCH, 'mkl').optimised, true);
    const none = classifyBlas(LIBTORCH, 'generic');
    assert.equal(none.kind, 'none');
    assert.equal(none.optimised, false);
    assert.ok(none.refusal.includes('BLAS_INFO=generic'));
  });

  it('reads paths with spaces, ignores anonymous mappings, and parses BLAS_INFO', () => {
    const maps = ['7ffd1000-7ffd2000 rw-p 00000000 00:00 0                          [stack]', '55d0-55d1 r--p 0 00:00 0', line('/opt/my libs/libopenblas.so.0')].join('\n');
    assert.deepEqual(blasLibraries(maps), ['/opt/my libs/libopenblas.so.0']);
    assert.equal(blasInfoOf('  - Build settings: BLAS_INFO=generic, BUILD_TYPE=Release, LAPACK_INFO=generic'), 'generic');
    assert.equal(blasInfoOf('no such setting'), '');
  });
});

describe("PyTorch's thread settings", () => {
  it('never asks for more threads than the figure is labelled with (no oversubscription)', () => {
    for (const { threads, configs } of THREAD_CONFIGS) {
      for (const c of configs) assert.ok(c.torch * c.blas <= threads, `${threads}T: torch ${c.torch} × BLAS ${c.blas}`);
    }
    assert.deepEqual(
      THREAD_CONFIGS.map((g) => g.threads),
      [1, 2],
    );
    assert.deepEqual(threadEnv({ torch: 2, blas: 1 }), { OMP_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '1', GOTO_NUM_THREADS: '1', MKL_NUM_THREADS: '1', BLIS_NUM_THREADS: '1' });
  });
});

describe('W7 and W8: small differentiable calls', () => {
  const byId = (id: WorkloadId) => WORKLOADS.find((w) => w.id === id)!;

  it('are LSTM 64→256 at batch 1: one step forward + backward, and 100 steps with gradients on', () => {
    const w7 = byId('W7');
    const w8 = byId('W8');
    assert.deepEqual([w7.cell, w7.kind, w7.inputSize, w7.hiddenSize, w7.batch, w7.seq], ['lstm', 'backward', 64, 256, 1, 1]);
    assert.deepEqual([w8.cell, w8.kind, w8.inputSize, w8.hiddenSize, w8.batch, w8.seq], ['lstm', 'steps-grad', 64, 256, 1, 100]);
    assert.equal(flops(w7), 3 * 2 * 4 * 256 * (64 + 256));
    assert.equal(flops(w8), flops(byId('W1s')));
    assert.deepEqual([...GRAD_WORKLOADS], ['W7', 'W8']);
    assert.equal(QUICK_WORKLOADS.find((w) => w.id === 'W7')!.seq, 1, 'the quick W7 keeps one step');
  });

  it("recur's W8 (gradients on) ends where its W1s loop and its whole-sequence forward do; W7 runs with and without gradients", async () => {
    const config = { quick: true, workloads: ['W7', 'W8', 'W1s'] as WorkloadId[], budgetMs: 5 };
    const quick = (id: WorkloadId) => QUICK_WORKLOADS.find((w) => w.id === id)!;
    const w8 = await measure('wasm', 1, quick('W8'), config);
    const w8ref = await measure('wasm', 1, quick('W8'), config, false);
    const w1s = await measure('wasm', 1, quick('W1s'), config);
    assert.equal(w8.status, 'ok');
    assert.equal(w8ref.variant, 'wasm noGrad');
    assert.ok(w8.note!.includes('gradients enabled') && w8ref.note!.includes('noGrad'));
    const full = noGrad(() => buildLayer(quick('W8')).forward(inputTensor(quick('W8'))).output.data);
    const last = Array.from(full.slice(full.length - 16));
    assert.deepEqual(w8.digest, w1s.digest);
    assert.deepEqual(w8ref.digest, w1s.digest);
    for (let i = 0; i < 16; i++) assert.ok(Math.abs(w8.digest![i]! - last[i]!) <= 1e-6, `step output ${i}`);
    const w7 = await measure('wasm', 1, quick('W7'), config);
    const w7ref = await measure('wasm', 1, quick('W7'), config, false);
    assert.ok(w7.status === 'ok' && w7.ms! > 0 && w7.note!.includes('backward'));
    assert.ok(w7ref.status === 'ok' && w7ref.variant === 'wasm noGrad' && w7ref.note!.includes('forward only'));
  });

  it("keeps the noGrad references out of recur-best figures and judges W7 against PyTorch, W8 against its noGrad loop, W2 against the ceiling", () => {
    const m = (peer: string, variant: string, workload: WorkloadId, ms: number): Measurement => ({ peer, variant, threads: 1, workload, status: 'ok', ms, samples: [ms] });
    const all = [
      m('recur', 'wasm', 'W7', 2.5), m('recur', 'wasm noGrad', 'W7', 0.2), m('recur', 'js', 'W7', 2.4), m('pytorch', '', 'W7', 0.65), m('pytorch', 'no_grad', 'W7', 0.06),
      m('recur', 'wasm', 'W8', 3.1), m('recur', 'wasm noGrad', 'W8', 1.0), m('pytorch', '', 'W8', 7),
      m('recur', 'wasm', 'W2', 100),
    ];
    assert.equal(recurBest(all, 'W7')!.ms, 2.4, 'the fastest backend, never a noGrad reference');
    const targets = evaluateTargets(all, (id) => (id === 'W2' ? 4.5e9 : 1), false, 50);
    const w7 = targets.find((x) => x.workload === 'W7')!;
    assert.equal(w7.verdict, 'miss');
    assert.ok(w7.measured.includes('recur wasm 1T 2.50 ms vs pytorch 1T 0.65 ms: 3.85× its time'), w7.measured);
    const w8 = targets.find((x) => x.workload === 'W8')!;
    assert.equal(w8.verdict, 'miss', '3.1 ms is over 3x the 1.0 ms noGrad loop');
    assert.ok(w8.measured.includes('recur wasm 1T 3.10 ms vs recur wasm noGrad 1T 1.00 ms: 3.10×; pytorch 1T 7.00 ms'), w8.measured);
    const share = targets.find((x) => x.target.startsWith('W2 on one thread ≥ 80%'))!;
    assert.equal(share.verdict, 'pass', '45 of 50 GFLOP/s is 90%');
    assert.ok(share.measured.includes('45.0 of 50.0 GFLOP/s: 90%'), share.measured);
    const faster = evaluateTargets([m('recur', 'wasm', 'W7', 0.3), m('pytorch', '', 'W7', 0.31)], () => 1, false).find((x) => x.workload === 'W7')!;
    assert.equal(faster.verdict, 'pass');
  });
});

describe('the in-browser table', () => {
  const m = (peer: string, threads: number, workload: WorkloadId, ms: number | null, digest?: number[]): Measurement =>
    ms === null
      ? { peer, variant: 'wasm', threads, workload, status: 'n/a', note: 'inference only' }
      : { peer, variant: 'wasm', threads, workload, status: 'ok', ms, samples: [ms], ...(digest ? { digest } : {}) };
  const measurements: Measurement[] = [
    m('recur', 1, 'W2', 100, [0.5, 0.25]),
    m('recur', 2, 'W2', 60),
    m('onnxruntime-web', 1, 'W2', 250, [0.5, 0.25]),
    m('onnxruntime-web', 2, 'W2', 200),
    m('tfjs', 1, 'W2', 600),
    m('recur', 1, 'W1', 3),
    m('recur', 2, 'W1', 2),
    m('onnxruntime-web', 1, 'W1', 1.5),
    m('onnxruntime-web', 2, 'W1', 1.6),
    m('recur', 1, 'W3', 80),
    m('recur', 2, 'W3', 50),
    m('onnxruntime-web', 1, 'W3', null),
    m('tfjs', 1, 'W3', 2000),
  ];
  const workloads: WorkloadId[] = ['W1', 'W2', 'W3'];
  const results: BrowserResults = {
    schema: 1,
    quick: false,
    date: '2026-12-07T12:00:00.000Z',
    durationSeconds: 300,
    machine: { cpuModel: 'AMD EPYC', cores: 2, memoryGiB: 23.5, os: 'linux x64', loadAverageStart: [1, 1, 1], loadAverageEnd: [2, 2, 2], gitCommit: 'abc1234' },
    chromium: '156.0.1.2',
    userAgent: 'Chrome/156.0.1.2',
    crossOriginIsolated: true,
    hardwareConcurrency: 2,
    versions: { 'onnxruntime-web': '1.31.1' },
    systems: [
      { label: 'recur wasm 1T', peer: 'recur', threads: 1, gotThreads: 1, info: {} },
      { label: 'recur wasm 2T', peer: 'recur', threads: 2, gotThreads: 2, info: {} },
      { label: 'onnxruntime-web wasm 1T', peer: 'ort', threads: 1, gotThreads: 1, info: {} },
      { label: 'onnxruntime-web wasm 2T', peer: 'ort', threads: 2, gotThreads: 2, info: {} },
      { label: 'tfjs wasm 1T', peer: 'tfjs', threads: 1, gotThreads: 1, info: {} },
    ],
    settings: { rounds: 3, budgetMs: 1500 },
    workloads,
    measurements,
    targets: browserTargets(measurements, workloads),
    agreement: [{ workload: 'W2', reference: 'recur wasm 1T', system: 'onnxruntime-web wasm 1T', maxAbsDiff: 0, agree: true }],
  };

  it("judges each inference workload at each system's best thread count, and training against tfjs", () => {
    const byId = new Map(results.targets.map((t) => [t.workload, t]));
    assert.equal(byId.get('W1')!.verdict, 'miss'); // recur 2 ms vs onnxruntime-web 1.5 ms
    assert.ok(byId.get('W1')!.measured.includes('recur wasm 2T 2.00 ms vs onnxruntime-web wasm 1T 1.50 ms: 1.33× its time'), byId.get('W1')!.measured);
    assert.equal(byId.get('W2')!.verdict, 'pass'); // 60 vs 200
    assert.equal(byId.get('W3')!.verdict, 'pass'); // 2000 / 50 = 40×
    assert.ok(byId.get('W3')!.measured.endsWith('40.00×'));
    const slowTraining = browserTargets([m('recur', 1, 'W3', 300), m('tfjs', 1, 'W3', 2000)], ['W3']);
    assert.equal(slowTraining[0]!.verdict, 'miss'); // 6.7× < 10×
    assert.deepEqual(browserTargets([m('recur', 1, 'W4', 1)], ['W4']).map((t) => t.verdict), ['n/a']);
  });

  it('renders the machine, the times, the ratios and the targets between markers', () => {
    const text = renderBrowserSection(results);
    assert.ok(text.startsWith(SECTION_START) && text.endsWith(SECTION_END));
    assert.ok(text.includes('## In the browser') && text.includes('Chromium 156.0.1.2') && text.includes('| AMD EPYC | 2 (2) |'));
    assert.ok(text.includes('| system | W1 | W2 | W3 |'));
    assert.ok(text.includes('| recur wasm 2T | 2.00 | 60.00 | 50.00 |'), text);
    assert.ok(text.includes('| onnxruntime-web wasm 1T | 1.50 | 250.0 | n/a |'), text);
    assert.ok(text.includes('| recur ÷ onnxruntime-web (best of each) | 1.33× | 0.30× | n/a |'), text);
    assert.ok(text.includes('| speed-up over tfjs (best of each) | – | 10.00× | 40.00× |'), text);
    assert.ok(text.includes('| W2 | W2 faster than onnxruntime-web (each at its best thread count) |') && text.includes('**miss**'));
    assert.ok(text.includes('1 of 1 comparisons agree'));
  });

  it('replaces an earlier section in place, or goes before the Targets', () => {
    const section = renderBrowserSection(results);
    const fresh = withBrowserSection('# Benchmarks\n\n## Summary\n\nx\n\n## Targets\n\ny\n', section);
    assert.ok(fresh.indexOf(SECTION_START) > fresh.indexOf('## Summary') && fresh.indexOf(SECTION_END) < fresh.indexOf('## Targets'));
    const again = withBrowserSection(fresh, section.replace('Chromium 156.0.1.2', 'Chromium 157'));
    assert.equal(again.split(SECTION_START).length, 2, 'one section');
    assert.ok(again.includes('Chromium 157') && !again.includes('Chromium 156.0.1.2 (headless'));
    assert.ok(withBrowserSection('# Benchmarks\n', section).endsWith(SECTION_END + '\n'));
  });

  it('reads its settings from the page URL as the runner writes them', () => {
    const s = parseSettings(settingsQuery({ quick: true, rounds: 2, budgetMs: 100, workloads: ['W1', 'W3'], systems: [{ peer: 'recur', threads: 2 }, { peer: 'tfjs', threads: 2, where: 'page' }] }));
    assert.deepEqual(s, { quick: true, rounds: 2, budgetMs: 100, workloads: ['W1', 'W3'], systems: [{ peer: 'recur', threads: 2 }, { peer: 'tfjs', threads: 2, where: 'page' }] });
    const d = parseSettings('');
    assert.deepEqual(d.workloads, [...BROWSER_WORKLOADS]);
    assert.equal(d.systems.map((x) => `${x.peer}:${x.threads}`).join(','), DEFAULT_SYSTEMS);
    assert.throws(() => parseSettings('?systems=torch:1'), /unknown browser peer 'torch'/);
  });
});
