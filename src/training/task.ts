import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

/** The tasks recur trains end to end. */
export type TaskKind = 'charlm' | 'forecast' | 'classify' | 'logs' | 'audio';

/** A metric the trainer watches on the validation part, with the direction that is better. */
export interface Validation {
  name: string;
  value: number;
  mode: 'min' | 'max';
  /** Everything measured, for logs. */
  metrics: Record<string, number>;
}

/** One training batch's loss (graph recorded) and how many timesteps it covered. */
export interface BatchLoss {
  loss: Tensor;
  timesteps: number;
}

/** Arrays a task must keep across a checkpoint to resume exactly (e.g. a carried state). */
export type TaskState = { json: Record<string, unknown>; tensors: Record<string, Float32Array> };

/**
 * A model with its data pipeline, loss and metrics: what the trainer and the CLI work
 * with, whatever the task. Implementations hold no Node-only code.
 */
export interface Task {
  readonly kind: TaskKind;
  readonly model: Module;
  /** Batches in one pass over the training part. */
  batchesPerEpoch(): number;
  /** The loss of batch `index` of `epoch` (batch order may depend on the epoch). */
  trainBatch(epoch: number, index: number): BatchLoss;
  /** Called at the start of every epoch (e.g. to reset a carried state). */
  startEpoch(epoch: number): void;
  /** The validation metric (no graph recorded). */
  validate(): Validation;
  /** The held-out test part's metrics beside the baselines. */
  evaluate(): EvalReport;
  /** Everything about the data a checkpoint must hold to rebuild the task (vocabulary, scaler, labels). */
  describe(): Record<string, unknown>;
  /** One line on what each part holds (e.g. recordings and speakers), for the CLI's start line; optional. */
  describeParts?(): string;
  getState(): TaskState;
  setState(state: TaskState): void;
}

/** Test metrics by name: numbers, plus tables such as a confusion matrix with its labels. */
export type EvalReport = Record<string, number | string[] | number[][]>;
