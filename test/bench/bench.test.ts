// Smoke test of `npm run bench`: the quick (tiny-shape) run of recur and onnxruntime-node
// writes a well-formed report, and the benchmarked models compute the same thing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { noGrad } from '../../src/index.js';
import { buildLayer, inputTensor } from '../../bench/models.js';
import { ortForward, ortSession, ortSteps } from '../../bench/peers/onnxruntime.js';
import { mergeRounds, runBench } from '../../bench/run.js';
import { ceilingMarkdown } from '../../bench/ceiling.js';
import type { BenchResults } from '../../bench/report.js';
import { flops, makeInput, QUICK_WORKLOADS, WORKLOADS, type Measurement, type Workload, type WorkloadId } from '../../bench/workloads.js';
import * as ort from 'onnxruntime-node';

const dir = mkdtempSync(join(tmpdir(), 'recur-bench-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const quick = (id: WorkloadId): Workload => QUICK_WORKLOADS.find((w) => w.id === id)!;

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length, 'output sizes differ');
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('bench workloads', () => {
  it('counts FLOPs with the documented formula', () => {
    const w2 = WORKLOADS.find((w) => w.id === 'W2')!;
    assert.equal(flops(w2), 2 * 4 * 256 * (64 + 256) * 100 * 64);
    const w3 = WORKLOADS.find((w) => w.id === 'W3')!;
    assert.equal(flops(w3), 3 * (2 * 4 * 256 * (64 + 256) * 50 * 32 + 2 * 50 * 32 * 256 * 64));
    const w6 = WORKLOADS.find((w) => w.id === 'W6')!;
    assert.equal(flops(w6), 2 * 100 * 16 * 2 * 4 * 128 * (64 + 128) + 2 * 100 * 16 * 2 * 4 * 128 * (256 + 128));
  });
});

describe('recur and onnxruntime-node run the same computation', () => {
  for (const id of ['W2', 'W4', 'W5', 'W6'] as const) {
    it(`${id}: forward outputs agree within 1e-4`, async () => {
      const wl = quick(id);
      const ours = noGrad(() => buildLayer(wl).forward(inputTensor(wl)).output.data);
      const session = await ortSession(wl, 1);
      try {
        const theirs = await ortForward(session, wl);
        assert.ok(maxAbsDiff(ours, theirs) <= 1e-4);
      } finally {
        await session.release();
      }
    });
  }

  it("W1s: onnxruntime-node's 6 single-step runs carrying h/c end where recur's whole-sequence forward does", async () => {
    const wl = quick('W1s');
    const layer = buildLayer(wl);
    const full = noGrad(() => layer.forward(inputTensor(wl)).output.data);
    const last = full.slice(full.length - wl.batch * wl.hiddenSize);
    const session = await ortSession(wl, 1);
    try {
      const all = makeInput(wl);
      const n = wl.batch * wl.inputSize;
      const xs = Array.from({ length: wl.seq }, (_, t) => new ort.Tensor('float32', all.slice(t * n, (t + 1) * n), [1, wl.batch, wl.inputSize]));
      assert.ok(maxAbsDiff(last, await ortSteps(session, wl, xs)) <= 1e-4);
    } finally {
      await session.release();
    }
  });
});

describe('bench:quick', () => {
  let results: BenchResults;
  const md = join(dir, 'BENCHMARKS.md');
  const json = join(dir, 'results.json');

  it('runs recur and onnxruntime-node on every workload and writes both files', async () => {
    results = await runBench({ quick: true, jobs: ['recur-wasm', 'recur-js', 'onnxruntime'], markdownPath: md, jsonPath: json, budgetMs: 30, log: () => {} });
    const onDisk = JSON.parse(readFileSync(json, 'utf8')) as BenchResults;
    assert.equal(onDisk.schema, 1);
    assert.equal(onDisk.quick, true);
    assert.deepEqual(
      onDisk.workloads.map((w) => w.id),
      ['W1', 'W1s', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8'],
    );
    assert.ok(onDisk.machine.cores >= 1 && onDisk.machine.cpuModel.length > 0 && onDisk.machine.node.startsWith('v'));
    assert.ok(onDisk.versions['onnxruntime-node'] && onDisk.versions['recur']);
    assert.deepEqual(
      onDisk.jobs.map((j) => [j.id, j.status]),
      [
        ['recur-wasm', 'ok'],
        ['onnxruntime', 'ok'],
        ['recur-js', 'ok'],
      ],
    );
  });

  it('has a figure or a reason for every system and workload', () => {
    for (const m of results.measurements) {
      if (m.status === 'ok') assert.ok(typeof m.ms === 'number' && m.ms > 0 && (m.samples?.length ?? 0) >= 3, `${m.peer} ${m.workload}`);
      else assert.ok(m.note && m.note.length > 0, `${m.peer} ${m.workload} ${m.status} without a note`);
    }
    const js = results.measurements.filter((m) => m.peer === 'recur' && m.variant === 'js');
    assert.equal(js.length, 9);
    assert.ok(js.every((m) => m.status === 'ok'));
    // The autograd workloads run on recur (with a noGrad reference) and PyTorch only.
    const noGrad = results.measurements.filter((m) => m.variant === 'wasm noGrad');
    assert.deepEqual([...new Set(noGrad.map((m) => m.workload))].sort(), ['W7', 'W8']);
    assert.ok(!results.measurements.some((m) => m.peer === 'onnxruntime-node' && (m.workload === 'W7' || m.workload === 'W8')));
    const ortW3 = results.measurements.filter((m) => m.peer === 'onnxruntime-node' && m.workload === 'W3');
    assert.ok(ortW3.length === 2 && ortW3.every((m) => m.status === 'n/a'));
  });

  it("reports targets, and recur's outputs agree with onnxruntime-node's", () => {
    assert.ok(results.targets.length >= 10);
    assert.ok(results.targets.every((t) => ['pass', 'miss', 'n/a'].includes(t.verdict)));
    const vsOrt = results.agreement.filter((a) => a.system.startsWith('onnxruntime-node'));
    assert.deepEqual([...new Set(vsOrt.map((a) => a.workload))].sort(), ['W1', 'W1s', 'W2', 'W4', 'W5', 'W6']);
    assert.ok(results.agreement.every((a) => a.agree), JSON.stringify(results.agreement.filter((a) => !a.agree)));
  });

  it('writes the markdown sections', () => {
    const text = readFileSync(md, 'utf8');
    for (const heading of ['# Benchmarks', '## Machine', '## Versions', '## Summary', '## Targets', '## Ceiling', '## Output agreement', '## What each peer measured', '## Method']) {
      assert.ok(text.includes(heading), heading);
    }
    for (const id of ['W1', 'W1s', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8']) assert.ok(text.includes(`## ${id}: `), id);
    assert.ok(text.includes('Quick mode'));
  });

  it('measures the 128-bit WASM arithmetic ceiling in the same run', () => {
    const c = results.ceiling!;
    assert.ok(c, 'results.ceiling');
    assert.ok(Number.isFinite(c.plainOneThread) && c.plainOneThread > 0.5, `plain ${c.plainOneThread}`);
    if (c.fusedOneThread !== null) assert.ok(Number.isFinite(c.fusedOneThread) && c.fusedOneThread > 0.5);
    assert.ok(c.nativeVectors.length > 0 && c.threads >= 1);
  });
});

describe('bench ceiling', () => {
  it('says what each two-thread target asks of recur against the ceiling', () => {
    const c = { fusedOneThread: 50, fusedAllThreads: 100, plainOneThread: 30, threads: 2, nativeVectors: 'AVX-512 (512-bit, 16 floats)' };
    const text = ceilingMarkdown(c, {
      recur1T: { label: 'W2 on recur wasm 1T', ms: 100, flops: 4e9 },
      twoThreadTargets: [{ id: 'W2', onnx: { label: 'onnxruntime-node 2T', ms: 20, flops: 4e9 } }],
    });
    // 4 GFLOP in 100 ms is 40 GFLOP/s, 80% of 50; onnxruntime's 200 GFLOP/s halved is 100, all of the 2-thread ceiling.
    assert.ok(text.includes('ran at 40.0 GFLOP/s, 80% of the one-thread ceiling'), text);
    assert.ok(text.includes('| W2 | onnxruntime-node 2T 20.00 ms | 200.0 | 100.0 GFLOP/s | 100% |'), text);
    assert.ok(text.includes('AVX-512'));
  });
});

describe('bench rounds', () => {
  it('merges rounds into the median of per-round medians, keeping every sample and failed systems', () => {
    const m = (ms: number, samples: number[], extra: Partial<Measurement> = {}): Measurement =>
      ({ peer: 'recur', variant: 'wasm', threads: 1, workload: 'W2', status: 'ok', ms, samples, ...extra });
    const failed: Measurement = { peer: 'tfjs', variant: 'cpu', threads: 1, workload: 'W2', status: 'timed out', note: 'limit' };
    const merged = mergeRounds([[m(10, [9, 10, 11]), failed], [m(30, [30])], [m(12, [12, 13])]]);
    assert.equal(merged.length, 2);
    const recur = merged.find((x) => x.peer === 'recur')!;
    assert.equal(recur.ms, 12);
    assert.deepEqual(recur.roundMs, [10, 30, 12]);
    assert.deepEqual(recur.samples, [9, 10, 11, 30, 12, 13]);
    assert.deepEqual(merged.find((x) => x.peer === 'tfjs'), failed);
    // A round that failed does not count; scaled figures (brain.js) take the median unit time.
    const scaled = (unitMs: number) => m(unitMs * 64, [unitMs], { scaled: { factor: 64, unit: 'sequence', unitMs } });
    const two = mergeRounds([[scaled(2)], [{ ...failed, peer: 'recur', variant: 'wasm' }], [scaled(4)]]);
    assert.equal(two[0]!.ms, 192);
    assert.equal(two[0]!.scaled!.unitMs, 3);
  });
});
