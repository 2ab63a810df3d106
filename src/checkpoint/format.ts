import { FormatError } from '../errors.js';
import { specProblem } from '../tasks/spec-check.js';
import type { TaskSpec, SavedData } from '../tasks/build.js';
import type { TrainerState } from '../training/trainer.js';

/** Version of the checkpoint layout; bumped when config.json changes incompatibly. */
export const CHECKPOINT_VERSION = 1;

/**
 * config.json of a checkpoint directory. Beside it: model.safetensors (the model's
 * parameters under PyTorch names) and state.safetensors (optimiser moments and any state
 * the task carries between batches), plus loss.csv and loss.svg for people.
 */
export interface CheckpointConfig {
  format: 'recur-checkpoint';
  version: number;
  /** The task and model as trained: enough to rebuild both from the data file. */
  spec: TaskSpec;
  /** The data file trained on (as given on the command line) and its size, to resume on the same data. */
  data: { path: string; bytes: number };
  /** Vocabulary, scaler, labels: whatever the task needs to encode new inputs. */
  saved: SavedData & Record<string, unknown>;
  training: {
    trainer: TrainerState;
    optimizer: { kind: string; options: Record<string, unknown>; state: Record<string, unknown> };
    /** Limits and settings the run was started with, so --resume continues the same plan. */
    plan: Record<string, unknown>;
    task: Record<string, unknown>;
    /** States of the model's random generators (dropout masks), by module path. */
    random?: Record<string, number[]>;
  };
  /** Last evaluation on the held-out test part, if any. */
  metrics?: Record<string, unknown>;
  createdAt: string;
  recurVersion: string;
}

/** One field of config.json: where it is, whether a value is acceptable, and what to say if not. */
interface FieldRule {
  path: string;
  ok: (v: unknown) => boolean;
  problem: (v: unknown) => string;
}

const LIMIT = 1 << 16;
const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;
const object = (path: string): FieldRule => ({ path, ok: isObject, problem: () => `missing '${path}'` });
const oneOf = (path: string, values: readonly unknown[], what: string): FieldRule =>
  ({ path, ok: (v) => values.includes(v), problem: (v) => `unknown ${what} ${JSON.stringify(v)}` });
const integer = (path: string, min: number, max: number, optional: boolean, problem = `${path} must be a positive integer`): FieldRule =>
  ({ path, ok: (v) => (optional && v === undefined) || (Number.isInteger(v) && (v as number) >= min && (v as number) <= max), problem: () => problem });

/**
 * The schema of config.json, in the order it is checked (a parent before its fields): what
 * every reader of a checkpoint may rely on before building anything. Sizes are bounded so a
 * few edited bytes cannot ask for gigabytes (model.safetensors is checked against them too).
 */
const SCHEMA: readonly FieldRule[] = [
  { path: 'format', ok: (v) => v === 'recur-checkpoint', problem: (v) => `'format' is ${JSON.stringify(v)}, expected "recur-checkpoint"` },
  { path: 'version', ok: (v) => v === CHECKPOINT_VERSION, problem: (v) => `version ${JSON.stringify(v)} is not supported (this recur reads version ${CHECKPOINT_VERSION})` },
  object('spec'),
  oneOf('spec.kind', ['charlm', 'forecast', 'classify', 'logs', 'audio'], 'task kind'),
  object('spec.model'),
  oneOf('spec.model.cell', ['lstm', 'gru', 'rnn'], 'cell'),
  integer('spec.model.hiddenSize', 1, LIMIT, false),
  integer('spec.model.numLayers', 1, LIMIT, false),
  integer('spec.window', 1, LIMIT, true),
  integer('spec.horizon', 1, LIMIT, true),
  integer('spec.model.highway', 0, LIMIT, true, 'spec.model.highway must be a whole number of steps'),
  integer('spec.batchSize', 1, Infinity, false),
  integer('spec.seqLen', 1, Infinity, false),
  object('training'),
  integer('training.trainer.step', -Infinity, Infinity, false, "missing 'training.trainer.step'"),
  { path: 'data.path', ok: (v) => typeof v === 'string', problem: () => "missing 'data.path'" },
  object('saved'),
];

function at(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isObject(v) ? (v as Record<string, unknown>)[k] : undefined), json);
}

/**
 * Checks a parsed config.json against the schema, then the task-specific options
 * (`specProblem`); `source` names the file in messages.
 */
export function parseCheckpointConfig(json: unknown, source: string): CheckpointConfig {
  const fail = (what: string): never => {
    throw new FormatError(`${source}: ${what}; is this a checkpoint directory written by 'recur train'?`);
  };
  if (!isObject(json) || Array.isArray(json)) return fail('not a JSON object');
  for (const rule of SCHEMA) {
    const v = at(json, rule.path);
    if (!rule.ok(v)) fail(rule.problem(v));
  }
  const problem = specProblem((json as CheckpointConfig).spec, 'fields');
  if (problem) fail(problem);
  return json as CheckpointConfig;
}
