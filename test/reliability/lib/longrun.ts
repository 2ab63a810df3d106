import { CharLmTask, getBackend, lstm, makeOptimizer, noGrad, Rng, Tensor, Trainer } from '../../../src/index.js';

/** One memory reading: JS heap, array buffers, this thread's WASM memory, live pool workers. */
export interface MemorySample {
  at: number;
  heapMiB: number;
  arrayBuffersMiB: number;
  wasmMiB: number;
  workers: number;
}

const MiB = 1 << 20;

function sample(at: number): MemorySample {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const b = getBackend() as { memoryBytes?: number; liveWorkers?: number };
  return { at, heapMiB: m.heapUsed / MiB, arrayBuffersMiB: m.arrayBuffers / MiB, wasmMiB: (b.memoryBytes ?? 0) / MiB, workers: b.liveWorkers ?? 0 };
}

/** Streams `steps` single steps through a 2-layer LSTM (batch 1), sampling memory `samples` times. */
export function streamingRun(steps: number, samples = 10): MemorySample[] {
  const layer = lstm({ inputSize: 8, hiddenSize: 64, numLayers: 2, seed: 1 });
  const rng = new Rng(2);
  const xs = Array.from({ length: 64 }, () => new Tensor(Float32Array.from({ length: 8 }, () => rng.uniform(-1, 1)), [1, 8]));
  let state = layer.zeroState(1);
  const out: MemorySample[] = [];
  const every = Math.max(1, Math.floor(steps / samples));
  noGrad(() => {
    for (let t = 1; t <= steps; t++) {
      state = layer.step(xs[t % 64]!, state).state;
      if (t % every === 0) out.push(sample(t));
    }
  });
  return out;
}

/** Trains a small char LM for `steps` optimiser steps with 2 threads allowed, sampling memory. */
export async function trainingRun(steps: number, samples = 10): Promise<MemorySample[]> {
  const backend = getBackend() as { setThreads?: (n: number, p?: { minWork: number; minRows: number }) => void };
  // Split even small passes so the worker pool is exercised.
  backend.setThreads?.(2, { minWork: 0, minRows: 2 });
  const text = 'It is a truth universally acknowledged, that a single man in possession of a good fortune. '.repeat(200);
  const task = new CharLmTask(text, {
    model: { cell: 'lstm', hiddenSize: 32, numLayers: 1, dropout: 0, embeddingDim: 8 },
    batchSize: 8,
    seqLen: 16,
    valFraction: 0.05,
    testFraction: 0.05,
    maxValChars: 200,
    seed: 1,
  });
  const optimizer = makeOptimizer('adam', task.model.namedParameters(), 3e-3);
  const trainer = new Trainer(task, optimizer, { maxSteps: steps, lr: 3e-3, schedule: 'cosine', clipNorm: 5, evalEvery: Math.max(1, Math.floor(steps / 4)) });
  const out: MemorySample[] = [];
  const every = Math.max(1, Math.floor(steps / samples));
  trainer.on('step', (e) => {
    if (e.step % every === 0) out.push(sample(e.step));
  });
  await trainer.run();
  backend.setThreads?.(1);
  return out;
}

/**
 * Growth over a run: the largest reading of the second half minus the largest of the first
 * half after warm-up (the first sample). Peaks, not single readings, because garbage
 * collection of array buffers comes and goes.
 */
export function growth(samples: MemorySample[]): { heap: number; arrayBuffers: number; wasm: number; workers: number } {
  const rest = samples.slice(1);
  const mid = Math.ceil(rest.length / 2);
  const first = rest.slice(0, mid);
  const second = rest.slice(mid).length ? rest.slice(mid) : first;
  const peak = (xs: MemorySample[], f: (x: MemorySample) => number) => Math.max(...xs.map(f));
  const d = (f: (x: MemorySample) => number) => peak(second, f) - peak(first, f);
  return { heap: d((x) => x.heapMiB), arrayBuffers: d((x) => x.arrayBuffersMiB), wasm: d((x) => x.wasmMiB), workers: d((x) => x.workers) };
}
