import { FormatError } from '../errors.js';
import { DEFAULT_WINDOW } from '../data/windows.js';
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

/** Checks the shape of a parsed config.json; `source` names the file in messages. */
export function parseCheckpointConfig(json: unknown, source: string): CheckpointConfig {
  const fail = (what: string): never => {
    throw new FormatError(`${source}: ${what}; is this a checkpoint directory written by 'recur train'?`);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('not a JSON object');
  const c = json as Record<string, unknown>;
  if (c.format !== 'recur-checkpoint') fail(`'format' is ${JSON.stringify(c.format)}, expected "recur-checkpoint"`);
  if (c.version !== CHECKPOINT_VERSION) fail(`version ${JSON.stringify(c.version)} is not supported (this recur reads version ${CHECKPOINT_VERSION})`);
  const spec = c.spec as Record<string, unknown> | undefined;
  if (typeof spec !== 'object' || spec === null) return fail("missing 'spec'");
  if (!['charlm', 'forecast', 'classify'].includes(spec.kind as string)) fail(`unknown task kind ${JSON.stringify(spec.kind)}`);
  const model = spec.model as Record<string, unknown> | undefined;
  if (typeof model !== 'object' || model === null) return fail("missing 'spec.model'");
  if (!['lstm', 'gru', 'rnn'].includes(model.cell as string)) fail(`unknown cell ${JSON.stringify(model.cell)}`);
  for (const k of ['hiddenSize', 'numLayers']) {
    const v = model[k];
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 1 << 16) fail(`spec.model.${k} must be a positive integer`);
  }
  for (const k of ['window', 'horizon']) {
    const v = spec[k];
    if (v !== undefined && (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 1 << 16)) fail(`spec.${k} must be a positive integer`);
  }
  if (model.highway !== undefined && (!Number.isInteger(model.highway) || (model.highway as number) < 0 || (model.highway as number) > 1 << 16)) {
    fail('spec.model.highway must be a whole number of steps');
  }
  const steps = (model.highway as number | undefined) ?? 0;
  if (steps > 0 && spec.kind !== 'forecast') fail(`spec.model.highway is for forecast models, not ${spec.kind}`);
  if (steps > ((spec.window as number | undefined) ?? DEFAULT_WINDOW)) fail(`spec.model.highway (${steps}) reads more steps than the window has`);
  for (const k of ['batchSize', 'seqLen']) {
    const v = spec[k];
    if (!Number.isInteger(v) || (v as number) < 1) fail(`spec.${k} must be a positive integer`);
  }
  const training = c.training as Record<string, unknown> | undefined;
  if (typeof training !== 'object' || training === null) return fail("missing 'training'");
  const trainer = training.trainer as Record<string, unknown> | undefined;
  if (typeof trainer !== 'object' || trainer === null || !Number.isInteger(trainer.step)) fail("missing 'training.trainer.step'");
  const data = c.data as Record<string, unknown> | undefined;
  if (typeof data !== 'object' || data === null || typeof data.path !== 'string') fail("missing 'data.path'");
  if (typeof c.saved !== 'object' || c.saved === null) fail("missing 'saved'");
  return json as CheckpointConfig;
}
