import { OptionError, RecurError } from '../errors.js';
import { choiceOption, rangeOption } from '../options.js';
import type { Task, Validation } from './task.js';
import { clipGradNorm } from './clip.js';
import { earlyStopping } from './early-stopping.js';
import { Emitter } from './emitter.js';
import { cosineFactor, warmupFactor } from './schedules.js';
import { loadParameters, swapParameters, updateAverage } from './weight-average.js';

/** What the trainer needs of an optimiser. */
export interface TrainerOptimizer {
  lr: number;
  step(): void;
  zeroGrad(): void;
}

export interface TrainerOptions {
  /** Stop after this many epochs (passes over the training part). */
  epochs?: number;
  /** Stop after this much training time (milliseconds), measured by `now`. */
  timeLimitMs?: number;
  /** Stop after this many optimiser steps. */
  maxSteps?: number;
  /** Peak learning rate. Default: the optimiser's lr when the Trainer is made. */
  lr?: number;
  /**
   * 'cosine' decays to lrMinFraction·lr over the run (by steps, or by time under a time limit;
   * `cosineFactor`); 'constant' keeps lr. Default 'constant': the optimiser's lr is used as
   * given, as in a PyTorch loop without a scheduler (`recur train` asks for 'cosine').
   */
  schedule?: 'cosine' | 'constant';
  /** Linear warm-up over this many steps (`warmupFactor`: the W-th step is at the peak). Default 0. */
  warmupSteps?: number;
  /** Final learning rate of the cosine schedule, as a fraction of lr. Default 0.05. */
  lrMinFraction?: number;
  /** Clip the gradients' global L2 norm to this (0 = off). */
  clipNorm?: number;
  /** Validate every this many steps (0 = at the end of each epoch only). */
  evalEvery?: number;
  /** Stop when validation has not improved this many times in a row (0 = never; `earlyStopping`'s rule). */
  patience?: number;
  /**
   * Keep a copy of the parameters at the best validation and put them back at the end
   * (Keras' restore_best_weights): on small data sets the last epoch is rarely the best.
   */
  restoreBest?: boolean;
  /**
   * Evaluate and finish with an exponential moving average of the parameters, updated after
   * every step with this decay (e.g. 0.99; 0 = off). Averaging weights along the trajectory
   * (Polyak averaging) smooths out the noise of the last steps.
   */
  averageDecay?: number;
  /** Clock in milliseconds (injectable for tests). */
  now?: () => number;
}

export interface StepEvent {
  step: number;
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  lr: number;
  gradNorm: number;
  timestepsPerSecond: number;
  elapsedMs: number;
  /** 0..1 of the planned run (steps, epochs or time). */
  progress: number;
}

export interface TrainerEvents extends Record<string, unknown> {
  step: StepEvent;
  epoch: { epoch: number; meanLoss: number };
  evaluation: { step: number; epoch: number; validation: Validation; improved: boolean };
  /** A moment to save a checkpoint: after an evaluation, at the end, or when stopped. */
  checkpoint: { step: number; reason: 'evaluation' | 'end' | 'stopped' };
}

/** Training position and history, saved in checkpoints so a run resumes where it stopped. */
export interface TrainerState {
  step: number;
  epoch: number;
  batch: number;
  elapsedMs: number;
  best: number | null;
  badEvaluations: number;
  history: Array<{ step: number; loss: number; val?: number }>;
}

/** Raised when the loss or the gradients stop being finite numbers. */
export class DivergenceError extends RecurError {
  constructor(message: string) {
    super('E_DIVERGED', message);
  }
}

/** A patience no run reaches: the Trainer's `patience: 0` (never stop early). */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * Runs a task's training loop: batches, backward, clipping, schedule, optimiser step,
 * periodic validation, early stopping, and events for the CLI and the web page (which hold
 * no numeric code). It awaits between steps so a host can stop it (Ctrl-C) cleanly.
 *
 * @example
 * const optimizer = adam(task.model.parameters(), { lr: 1e-2 });
 * // lr from the optimiser, constant schedule: only a limit is required.
 * await new Trainer(task, optimizer, { epochs: 20, patience: 3 }).run();
 */
export class Trainer extends Emitter<TrainerEvents> {
  state: TrainerState = { step: 0, epoch: 0, batch: 0, elapsedMs: 0, best: null, badEvaluations: 0, history: [] };
  /** Parameters at the best validation so far (with restoreBest), in `parameters()` order. */
  bestParams: Float32Array[] | null = null;
  /** Moving average of the parameters (with averageDecay), in `parameters()` order. */
  averaged: Float32Array[] | null = null;
  private stopRequested = false;
  /** Early stopping ended the run (then the end is validated, not merely saved). */
  private stoppedEarly = false;
  private readonly now: () => number;
  /** The peak learning rate: options.lr, else the optimiser's own. */
  private readonly peakLr: number;
  private readonly schedule: 'cosine' | 'constant';

  constructor(
    readonly task: Task,
    readonly optimizer: TrainerOptimizer,
    readonly options: TrainerOptions,
  ) {
    super();
    this.now = options.now ?? (() => performance.now());
    this.peakLr = rangeOption('Trainer', 'lr', options.lr ?? optimizer.lr, 0, Infinity);
    this.schedule = choiceOption('Trainer', 'schedule', options.schedule, ['cosine', 'constant'] as const, 'constant');
  }

  /** Asks the loop to stop after the current step (and emit a 'stopped' checkpoint). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Fraction of the planned run done. */
  progress(): number {
    const o = this.options;
    const s = this.state;
    const parts: number[] = [];
    if (o.maxSteps) parts.push(s.step / o.maxSteps);
    if (o.epochs) parts.push((s.epoch + s.batch / this.task.batchesPerEpoch()) / o.epochs);
    if (o.timeLimitMs) parts.push(s.elapsedMs / o.timeLimitMs);
    return parts.length ? Math.min(1, Math.max(...parts)) : 0;
  }

  /** The learning rate for the current position. */
  learningRate(): number {
    const { warmupSteps = 0, lrMinFraction = 0.05 } = this.options;
    const warm = warmupFactor(this.state.step, warmupSteps);
    if (this.schedule === 'constant') return this.peakLr * warm;
    return warm * this.peakLr * cosineFactor(this.progress(), lrMinFraction);
  }

  private done(): boolean {
    const o = this.options;
    const s = this.state;
    return (
      this.stopRequested ||
      (o.maxSteps !== undefined && s.step >= o.maxSteps) ||
      (o.epochs !== undefined && s.epoch >= o.epochs) ||
      (o.timeLimitMs !== undefined && s.elapsedMs >= o.timeLimitMs)
    );
  }

  /** Trains until a limit is reached or `stop()` is called; returns the final state. */
  async run(): Promise<TrainerState> {
    const o = this.options;
    if (o.epochs === undefined && o.timeLimitMs === undefined && o.maxSteps === undefined) {
      throw new OptionError('Trainer: give epochs, timeLimitMs or maxSteps, or it would never stop');
    }
    const perEpoch = this.task.batchesPerEpoch();
    let epochLoss = 0;
    let epochBatches = 0;
    let windowLoss = 0;
    let windowSteps = 0;
    if (this.state.batch === 0) this.task.startEpoch(this.state.epoch);
    while (!this.done()) {
      const started = this.now();
      this.task.model.zeroGrad();
      const { loss, timesteps } = this.task.trainBatch(this.state.epoch, this.state.batch);
      const value = loss.data[0]!;
      if (!Number.isFinite(value)) {
        throw diverged(`the loss became ${value} at step ${this.state.step + 1} (learning rate ${this.learningRate().toPrecision(3)})`);
      }
      loss.backward();
      const gradNorm = this.clip();
      this.optimizer.lr = this.learningRate();
      this.optimizer.step();
      this.updateAverage();
      const ms = this.now() - started;
      this.state.elapsedMs += ms;
      this.state.step++;
      this.state.batch++;
      epochLoss += value;
      epochBatches++;
      windowLoss += value;
      windowSteps++;
      const every = Math.max(1, Math.round(perEpoch / 20));
      if (this.state.step % every === 0) {
        this.state.history.push({ step: this.state.step, loss: windowLoss / windowSteps });
        windowLoss = 0;
        windowSteps = 0;
      }
      this.emit('step', {
        step: this.state.step,
        epoch: this.state.epoch,
        batch: this.state.batch,
        batchesPerEpoch: perEpoch,
        loss: value,
        lr: this.optimizer.lr,
        gradNorm,
        timestepsPerSecond: ms > 0 ? (timesteps * 1000) / ms : 0,
        elapsedMs: this.state.elapsedMs,
        progress: this.progress(),
      });
      const endOfEpoch = this.state.batch >= perEpoch;
      if (endOfEpoch) {
        this.emit('epoch', { epoch: this.state.epoch, meanLoss: epochLoss / epochBatches });
        epochLoss = 0;
        epochBatches = 0;
        this.state.epoch++;
        this.state.batch = 0;
        this.task.startEpoch(this.state.epoch);
      }
      const evalDue = o.evalEvery ? this.state.step % o.evalEvery === 0 : endOfEpoch;
      if (evalDue && !this.done()) this.evaluate();
      // Let timers and signal handlers run (Ctrl-C, progress redraws).
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    // Stopped by the host (Ctrl-C): save at once rather than validate first.
    if (this.stopRequested && !this.stoppedEarly) this.emit('checkpoint', { step: this.state.step, reason: 'stopped' });
    else this.evaluate('end');
    // Early stopping ends a run like its budget does (best or averaged weights back in place);
    // only a host's stop (Ctrl-C) leaves the weights as they are, to be resumed.
    if (!this.stopRequested || this.stoppedEarly) {
      if (this.options.restoreBest && this.bestParams) this.restoreBestParams();
      else if (this.averaged) this.swapAverage();
    }
    return this.state;
  }

  /** Puts the best-validation parameters back into the model. */
  restoreBestParams(): void {
    if (this.bestParams) loadParameters(this.task.model.parameters(), this.bestParams);
  }

  private updateAverage(): void {
    const decay = this.options.averageDecay ?? 0;
    if (decay > 0) this.averaged = updateAverage(this.averaged, this.task.model.parameters(), decay);
  }

  /** Exchanges the live parameters and their average (twice restores them). */
  private swapAverage(): void {
    if (this.averaged) swapParameters(this.task.model.parameters(), this.averaged);
  }

  /** Validates, updates early stopping, and offers a checkpoint. */
  private evaluate(reason: 'evaluation' | 'end' | 'stopped' = 'evaluation'): void {
    // The averaged parameters are the ones being judged (and kept as the best).
    this.swapAverage();
    const validation = this.task.validate();
    const weightsFinite = this.task.model.parameters().every((p) => p.data.every((v) => Number.isFinite(v)));
    const s = this.state;
    // A diverged model must not become a checkpoint (it would replace the last good one).
    if (!Number.isFinite(validation.value) || !weightsFinite) {
      this.swapAverage();
      const what = weightsFinite ? `the validation ${validation.name} became ${validation.value}` : 'the weights stopped being finite numbers';
      throw diverged(`${what} at step ${s.step} (learning rate ${this.learningRate().toPrecision(3)})`);
    }
    // The stopper is rebuilt from the state, which is what checkpoints keep and resume restores.
    const stopper = earlyStopping({ patience: this.options.patience || NEVER, mode: validation.mode, checkFinite: false });
    if (s.best !== null) stopper.best = s.best;
    stopper.wait = s.badEvaluations;
    const { improved: better, stop } = stopper.update(validation.value);
    s.best = stopper.best;
    s.badEvaluations = stopper.wait;
    if (better && this.options.restoreBest) this.bestParams = this.task.model.parameters().map((p) => p.data.slice());
    this.swapAverage();
    const last = s.history[s.history.length - 1];
    if (last && last.step === s.step) last.val = validation.value;
    else s.history.push({ step: s.step, loss: NaN, val: validation.value });
    this.emit('evaluation', { step: s.step, epoch: s.epoch, validation, improved: better });
    if (stop) this.stopRequested = this.stoppedEarly = true;
    this.emit('checkpoint', { step: s.step, reason });
  }

  /** Clips the global gradient norm (when asked) and returns it before clipping. */
  private clip(): number {
    const max = this.options.clipNorm ?? 0;
    // Without clipping the norm is still measured: a non-finite one means divergence.
    const norm = clipGradNorm(this.task.model.parameters(), max > 0 ? max : Number.MAX_VALUE);
    if (!Number.isFinite(norm)) {
      throw diverged(`the gradients became ${norm} at step ${this.state.step + 1}`);
    }
    return norm;
  }
}

/** A DivergenceError: what stopped being finite, that the last good checkpoint is kept, what to try. */
function diverged(what: string): DivergenceError {
  return new DivergenceError(
    `${what}; training stopped and the last good checkpoint is kept. Try a lower learning rate (--lr) or gradient clipping (--clip 1).`,
  );
}
