// brain.js 1.6.1: recurrent.LSTMTimeStep / GRUTimeStep / RNNTimeStep (plain JS, Float32Array
// matrices). Its nets have no batch dimension, always add an output layer (hidden -> outputSize
// at every step) and start every run() from a zero state, so what is measured differs:
// each measurement's note says exactly what ran.
import { createRequire } from 'node:module';
import { guarded, okMeasurement, timeCalls, type PeerRunner, type TimingOptions } from '../harness.js';
import { makeInput, selectWorkloads, type CellKind, type Measurement, type PeerConfig, type Workload } from '../workloads.js';

/** The part of brain.js's time-step nets the bench uses (its typings are loose). */
interface TimeStepNet {
  initialize(): void;
  bindEquation(): void;
  run(input: Float32Array[]): ArrayLike<number>;
  trainPattern(input: Float32Array[], logErrorRate?: boolean): number | undefined;
  trainInput: (input: Float32Array[]) => number;
  trainArrays: (input: Float32Array[]) => number;
}
type TimeStepCtor = new (options: { inputSize: number; hiddenLayers: number[]; outputSize: number }) => TimeStepNet;
interface Brain {
  recurrent: { LSTMTimeStep: TimeStepCtor; GRUTimeStep: TimeStepCtor; RNNTimeStep: TimeStepCtor };
}

const require = createRequire(import.meta.url);

export function brainVersion(): string {
  return (require('brain.js/package.json') as { version: string }).version;
}

function makeNet(cell: CellKind, wl: Workload, outputSize: number): TimeStepNet {
  const brain = require('brain.js') as Brain;
  const Ctor = cell === 'lstm' ? brain.recurrent.LSTMTimeStep : cell === 'gru' ? brain.recurrent.GRUTimeStep : brain.recurrent.RNNTimeStep;
  const net = new Ctor({ inputSize: wl.inputSize, hiddenLayers: [wl.hiddenSize], outputSize });
  net.initialize();
  net.bindEquation(); // run() refuses an untrained net until one equation is bound
  net.trainInput = net.trainArrays; // what train() selects for arrays of vectors
  return net;
}

/** Sequence b of the workload input as brain.js wants it: one Float32Array per step. */
function sequence(data: Float32Array, wl: Workload, b: number, width: number): Float32Array[] {
  return Array.from({ length: wl.seq }, (_, t) => data.slice((t * wl.batch + b) * width, (t * wl.batch + b + 1) * width));
}

async function measure(wl: Workload, config: PeerConfig): Promise<Measurement> {
  const base = { peer: 'brain.js', variant: '', threads: 1, workload: wl.id };
  const cls = wl.cell === 'lstm' ? 'LSTMTimeStep' : wl.cell === 'gru' ? 'GRUTimeStep' : 'RNNTimeStep';
  if (wl.kind === 'steps') {
    return { ...base, status: 'n/a', note: 'brain.js has no step API with carried state: every run() starts from a zero state' };
  }
  if (wl.bidirectional) return { ...base, status: 'n/a', note: 'brain.js has no bidirectional recurrent nets' };
  const input = makeInput(wl);
  const net = makeNet(wl.cell, wl, wl.inputSize);
  const seqs = Array.from({ length: wl.batch }, (_, b) => sequence(input, wl, b, wl.inputSize));
  const timing: TimingOptions = { minReps: 5, budgetMs: config.budgetMs };
  const own = `input ${wl.inputSize}, hidden ${wl.hiddenSize}, plus its built-in output layer ${wl.hiddenSize}→${wl.inputSize} at every step; own random weights`;
  // No batch dimension: a batch of B sequences is B sequential calls on one sequence each, so
  // one call is timed and the batch figure is B × its median (exact for sequential calls, and
  // it keeps this plain-JS peer, ~0.4 s per sequence, inside the time budget).
  const scaledResult = (samples: number[], unit: string, note: string): Measurement => {
    const m = okMeasurement(base, samples, { note });
    if (wl.batch > 1) {
      m.scaled = { factor: wl.batch, unit, unitMs: m.ms! };
      m.ms = m.ms! * wl.batch;
    }
    return m;
  };
  if (wl.kind === 'forward') {
    const samples = await timeCalls(() => net.run(seqs[0]!), timing);
    const unit = `${cls}.run() over one sequence of ${wl.seq} steps`;
    return scaledResult(
      samples,
      unit,
      wl.batch === 1
        ? `${unit}; ${own}`
        : `timed: ${unit} (samples); figure = ${wl.batch} × its median, as ${wl.batch} sequences are ${wl.batch} sequential run() calls (no batch dimension); ${own}`,
    );
  }
  // Training: brain.js trains one sequence at a time on next-step prediction, with its own
  // RMSProp-like update after each sequence.
  let k = 0;
  const samples = await timeCalls(() => net.trainPattern(seqs[k++ % seqs.length]!), timing);
  const unit = `${cls}.trainPattern() on one sequence of ${wl.seq} steps`;
  return scaledResult(
    samples,
    unit,
    `timed: ${unit} (forward + backprop + weight update, predicting step t+1 from step t through its ${wl.hiddenSize}→${wl.inputSize} ` +
      `output layer); figure = ${wl.batch} × its median, i.e. ${wl.batch} sequences trained one after another: the same data volume ` +
      `and about the same arithmetic as W3, but ${wl.batch} updates of its RMSProp-like rule instead of one Adam step on a batch, so not the same training step`,
  );
}

export const runPeer: PeerRunner = async (_variant, config, report) => {
  const workloads = selectWorkloads(config);
  report.info('brain.js.version', brainVersion());
  report.plan([{ peer: 'brain.js', variant: '', threads: 1, workloads: workloads.map((w) => w.id) }]);
  for (const wl of workloads) {
    await guarded({ peer: 'brain.js', variant: '', threads: 1, workload: wl.id }, report, () => measure(wl, config));
  }
};
