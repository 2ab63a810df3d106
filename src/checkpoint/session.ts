import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FormatError, IoError } from '../errors.js';
import { CHECKPOINT_VERSION, parseCheckpointConfig, type CheckpointConfig } from './format.js';
import { resolveCheckpointDir, writeDirAtomic } from './atomic-dir.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';
import { buildTask, resolveSpec, type DraftSpec, type TaskSpec } from '../tasks/build.js';
import { isGlobalSpec } from '../tasks/build-global.js';
import { modelFromSpec, type LoadedModel } from './model-from-spec.js';
import type { Task } from '../training/task.js';
import { makeOptimizer, type OptimizerKind } from '../training/optimizer-factory.js';
import type { Optimizer, OptimizerState } from '../training/optimizers/optimizer.js';
import { Trainer, type TrainerOptions } from '../training/trainer.js';
import { recurVersion } from '../io/package-version.js';
import { gunzipIfGzip } from '../io/gzip-data.js';
import { openAudioTask } from './audio-data.js';

/**
 * How long and how to train: what --resume must keep. The Trainer's options as saved in a
 * checkpoint (the recipe settings always written out), plus the optimiser to rebuild.
 */
export interface RunPlan
  extends Required<Pick<TrainerOptions, 'lr' | 'schedule' | 'warmupSteps' | 'clipNorm' | 'evalEvery' | 'patience'>>,
    Pick<TrainerOptions, 'epochs' | 'timeLimitMs' | 'maxSteps' | 'restoreBest' | 'averageDecay'> {
  optimizer: OptimizerKind;
  weightDecay?: number;
}

export interface Session {
  spec: TaskSpec;
  plan: RunPlan;
  dataPath: string;
  dataBytes: number;
  task: Task;
  optimizer: Optimizer;
  trainer: Trainer;
}

/** The bytes of a file (decompressed when gzipped), or an IoError naming it (missing, a directory, not readable). */
export function readData(path: string): Uint8Array {
  try {
    // A device such as /dev/zero or /dev/urandom never ends: reading it would fill the memory.
    const st = statSync(path);
    if (st.isCharacterDevice() || st.isBlockDevice()) throw new IoError(`${path}: is a device, expected a data file`);
    return gunzipIfGzip(readFileSync(path), path);
  } catch (e) {
    if (e instanceof IoError || e instanceof FormatError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new IoError(code === 'ENOENT' ? `${path}: no such file` : code === 'EISDIR' ? `${path}: is a directory, expected a data file` : `${path}: ${(e as Error).message}`);
  }
}

const TRAINER_KEYS = ['epochs', 'timeLimitMs', 'maxSteps', 'lr', 'schedule', 'warmupSteps', 'clipNorm', 'evalEvery', 'patience', 'restoreBest', 'averageDecay'] as const;

/** The Trainer's options of a plan (only those: a plan read from config.json may hold anything). */
function trainerOptions(plan: RunPlan): TrainerOptions {
  return Object.fromEntries(TRAINER_KEYS.map((k) => [k, plan[k]])) as TrainerOptions;
}

/** A new training session on a data file (defaults that depend on the data filled in). */
export function startSession(draft: DraftSpec, plan: RunPlan, dataPath: string): Session {
  // Audio reads a folder of recordings, not one data file.
  if (draft.kind === 'audio') return startAudioSession({ ...draft, valFraction: draft.valFraction ?? 0.1 }, plan, dataPath);
  const bytes = readData(dataPath);
  const spec = resolveSpec(draft, bytes, dataPath);
  const task = buildTask(spec, bytes, dataPath);
  const optimizer = makeOptimizer(plan.optimizer, task.model.namedParameters(), plan.lr, plan.weightDecay);
  const trainer = new Trainer(task, optimizer, trainerOptions(plan));
  return { spec, plan, dataPath: resolve(dataPath), dataBytes: bytes.length, task, optimizer, trainer };
}

function startAudioSession(spec: TaskSpec, plan: RunPlan, dir: string): Session {
  const { task, dataPath, dataBytes } = openAudioTask(spec, dir);
  const optimizer = makeOptimizer(plan.optimizer, task.model.namedParameters(), plan.lr, plan.weightDecay);
  return { spec, plan, dataPath, dataBytes, task, optimizer, trainer: new Trainer(task, optimizer, trainerOptions(plan)) };
}

/** Reads and checks a checkpoint directory's config.json (after crash recovery of its path). */
export async function readCheckpointConfig(dir: string): Promise<{ dir: string; config: CheckpointConfig }> {
  let real: string;
  try {
    real = await resolveCheckpointDir(dir);
  } catch {
    throw new IoError(`${dir}: no checkpoint directory here; train one with 'recur train <data> --out ${dir}'`);
  }
  const path = join(real, 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new FormatError(`${path}: missing; ${dir} is not a checkpoint directory written by 'recur train'`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return { dir: real, config: parseCheckpointConfig(json, path) };
}

/** A checkpoint's model with its weights, in evaluation mode, without the training data. */
export async function loadModel(dir: string): Promise<{ config: CheckpointConfig; loaded: LoadedModel }> {
  const { dir: real, config } = await readCheckpointConfig(dir);
  const weights = readWeights(real, config);
  const loaded = modelFromSpec(config.spec, config.saved, join(real, 'config.json'));
  loaded.model.loadStateDict(weights);
  // A loaded model is for inference: dropout of any kind off, as after PyTorch's model.eval().
  loaded.model.eval();
  return { config, loaded };
}

/** A checkpoint's model.safetensors, checked against its config.json before any model is built. */
function readWeights(dir: string, config: CheckpointConfig): ReturnType<typeof readSafetensors> {
  const path = join(dir, 'model.safetensors');
  const weights = readSafetensors(readData(path), path);
  checkSpecFitsWeights(config, weights, join(dir, 'config.json'));
  return weights;
}

/**
 * Refuses a config.json whose model is bigger than model.safetensors holds, before building
 * it: a few edited bytes (hiddenSize 30000) must not allocate gigabytes. Every recurrent layer
 * has a weight_hh of at least hiddenSize² values, and the embedding vocabulary × dim.
 */
function checkSpecFitsWeights(config: CheckpointConfig, weights: Record<string, { data: ArrayLike<number> }>, source: string): void {
  const m = config.spec.model;
  const enc = (config.saved.encoding ?? {}) as { vocab?: unknown };
  const logEvents = (config.saved.encoding as { events?: unknown } | undefined)?.events;
  const vocab = Array.isArray(config.saved.vocab) ? config.saved.vocab.length : Array.isArray(enc.vocab) ? enc.vocab.length : Array.isArray(logEvents) ? logEvents.length : 0;
  const embedding = Number.isInteger(m.embeddingDim) && m.embeddingDim > 0 ? m.embeddingDim : 0;
  // A forecaster reads 2 + extras features: its first layer holds hiddenSize x features input
  // weights, its head horizon x hiddenSize, its highway horizon x (steps x features).
  const extras = (config.saved.encoding as { extras?: unknown } | undefined)?.extras;
  const features = 2 + (Array.isArray(extras) ? extras.length : 0);
  const forecaster = config.spec.kind === 'forecast' ? m.hiddenSize * features + (config.spec.horizon ?? 1) * (m.hiddenSize + (m.highway ?? 0) * features) : 0;
  const needed = m.numLayers * m.hiddenSize * m.hiddenSize + vocab * embedding + forecaster;
  const held = Object.values(weights).reduce((n, t) => n + t.data.length, 0);
  if (!(needed <= held)) {
    throw new FormatError(`${source}: describes a model of at least ${needed} parameters, but model.safetensors holds ${held} values; the checkpoint is corrupted`);
  }
}

/** Continues a session from its checkpoint, on the same data file. */
export async function resumeSession(
  dir: string,
  dataOverride?: string,
  limits?: Pick<RunPlan, 'epochs' | 'timeLimitMs' | 'maxSteps'>,
): Promise<Session> {
  const { dir: real, config } = await readCheckpointConfig(dir);
  const dataPath = dataOverride ?? config.data.path;
  const spec = config.spec;
  // Audio reads a folder of recordings (openAudioTask checks their total size the same way).
  const audio = spec.kind === 'audio' ? openAudioTask(spec, dataPath, config.saved, config.data.bytes) : null;
  const bytes = audio ? new Uint8Array(0) : readData(dataPath);
  if (!audio && bytes.length !== config.data.bytes) {
    throw new FormatError(`${dataPath}: has ${bytes.length} bytes but the checkpoint was trained on ${config.data.bytes}; resume needs the same data file`);
  }
  const plan = { ...(config.training.plan as unknown as RunPlan), ...(limits ?? {}) };
  const weights = readWeights(real, config);
  const task = audio ? audio.task : buildTask(spec, bytes, dataPath, config.saved);
  task.model.loadStateDict(weights);
  const statePath = join(real, 'state.safetensors');
  const state = readSafetensors(readData(statePath), statePath);
  const pick = (prefix: string) =>
    Object.fromEntries(Object.entries(state).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t.data]));
  const optimizer = makeOptimizer(plan.optimizer, task.model.namedParameters(), plan.lr, plan.weightDecay);
  optimizer.setState({ meta: config.training.optimizer.state as unknown as OptimizerState['meta'], buffers: pick('optim.') });
  task.setState({ json: config.training.task, tensors: pick('task.') });
  task.model.setRandomState(config.training.random ?? {});
  const trainer = new Trainer(task, optimizer, trainerOptions(plan));
  trainer.state = structuredClone(config.training.trainer);
  const best = pick('best.');
  if (Object.keys(best).length > 0) trainer.bestParams = task.model.namedParameters().map(([name, p]) => best[name] ?? p.data.slice());
  const avg = pick('avg.');
  if (Object.keys(avg).length > 0) trainer.averaged = task.model.namedParameters().map(([name, p]) => avg[name] ?? p.data.slice());
  return { spec, plan, dataPath, dataBytes: audio ? audio.dataBytes : bytes.length, task, optimizer, trainer };
}

/** Writes the session as a checkpoint directory, atomically (old or new survives any crash). */
export async function saveSession(dir: string, s: Session, metrics?: Record<string, unknown>): Promise<void> {
  await writeDirAtomic(dir, await snapshotSession(s, metrics));
}

/**
 * The checkpoint files of a session as it is now. Everything is serialised synchronously, at
 * the call, so that a training loop running on cannot change them while they are written;
 * only the loss chart is drawn after (its d3 code loads on first use, so importing
 * `recur-nn/node` does not load it).
 */
export async function snapshotSession(s: Session, metrics?: Record<string, unknown>): Promise<Record<string, Uint8Array | string>> {
  const optState = s.optimizer.getState();
  const taskState = s.task.getState();
  const stateTensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [k, v] of Object.entries(optState.buffers)) stateTensors[`optim.${k}`] = { shape: [v.length], data: v };
  for (const [k, v] of Object.entries(taskState.tensors)) stateTensors[`task.${k}`] = { shape: [v.length], data: v };
  const named = s.task.model.namedParameters();
  s.trainer.bestParams?.forEach((b, i) => (stateTensors[`best.${named[i]![0]}`] = { shape: [b.length], data: b }));
  s.trainer.averaged?.forEach((a, i) => (stateTensors[`avg.${named[i]![0]}`] = { shape: [a.length], data: a }));
  const config: CheckpointConfig = {
    format: 'recur-checkpoint',
    version: CHECKPOINT_VERSION,
    spec: s.spec,
    data: { path: s.dataPath, bytes: s.dataBytes },
    saved: s.task.describe(),
    training: {
      trainer: s.trainer.state,
      optimizer: { kind: s.optimizer.kind, options: {}, state: optState.meta as unknown as Record<string, unknown> },
      plan: s.plan as unknown as Record<string, unknown>,
      task: taskState.json,
      random: s.task.model.randomState(),
    },
    ...(metrics ? { metrics } : {}),
    createdAt: new Date().toISOString(),
    recurVersion: recurVersion(),
  };
  const history = s.trainer.state.history;
  const csv = ['step,loss,val', ...history.map((h) => `${h.step},${Number.isFinite(h.loss) ? h.loss : ''},${h.val ?? ''}`)].join('\n') + '\n';
  const files = {
    'model.safetensors': writeSafetensors(s.task.model.stateDict(), { format: 'pt', task: s.spec.kind }),
    'state.safetensors': writeSafetensors(stateTensors),
    'config.json': JSON.stringify(config, null, 2) + '\n',
    'loss.csv': csv,
  };
  // A copy of the history as it is now (training appends to it meanwhile).
  const chart = lossChart(history.map((h) => ({ ...h })), isGlobalSpec(s.spec) ? 'sMAPE % (mean over series)' : s.spec.supervised ? 'cross-entropy (nats)' : VALIDATION_NAMES[s.spec.kind] ?? 'metric');
  return { ...files, 'loss.svg': await chart };
}

async function lossChart(history: Array<{ step: number; loss: number; val?: number }>, valName: string): Promise<string> {
  const { PALETTE, stackedChartsSvg } = await import('../io/svg-chart.js');
  return stackedChartsSvg([
    {
      series: [{ label: 'training loss', points: history.filter((h) => Number.isFinite(h.loss)).map((h) => [h.step, h.loss]), color: PALETTE[0]! }],
      options: { title: 'Training loss', xLabel: 'step', yLabel: 'loss', height: 300 },
    },
    {
      series: [{ label: valName, points: history.filter((h) => h.val !== undefined).map((h) => [h.step, h.val!]), color: PALETTE[1]! }],
      options: { title: `Validation (${valName})`, xLabel: 'step', yLabel: valName, height: 300 },
    },
  ]);
}

const VALIDATION_NAMES: Record<string, string> = { charlm: 'bits per character', forecast: 'RMSE', classify: 'accuracy', logs: 'next-event NLL (nats)', audio: 'accuracy' };

