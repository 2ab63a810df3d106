import { OptionError, StateDictError } from '../errors.js';
import { boolOption, choiceOption, intOption, rangeOption, rejectUnknownOptions } from '../options.js';
import { decodeNumber, encodeNumber } from './json.js';

export interface EarlyStoppingOptions {
  /** Evaluations without improvement tolerated; the next one stops. Default 3. */
  patience?: number;
  /** An improvement must beat the best by more than this. Default 0. */
  minDelta?: number;
  /** 'min' for a loss, 'max' for an accuracy. Default 'min'. */
  mode?: 'min' | 'max';
  /** Stop at once on a NaN or infinite metric (the run has diverged). Default true. */
  checkFinite?: boolean;
}

/** The verdict on one evaluation. */
export interface EarlyStoppingResult {
  /** The metric is the new best (save a checkpoint now). */
  improved: boolean;
  /** Training should end. */
  stop: boolean;
}

/** A checkpointable snapshot (plain JSON; ±Infinity and NaN are written as strings). */
export interface EarlyStoppingState {
  kind: 'earlyStopping';
  best: number | string;
  bestEpoch: number;
  epoch: number;
  wait: number;
  stopped: boolean;
}

/**
 * Stops training when a validation metric has not improved for `patience` evaluations
 * (PyTorch Lightning's EarlyStopping rule: improved means better than the best by more than
 * `minDelta`; stop once `wait >= patience`).
 *
 * @example
 * const stopper = earlyStopping({ patience: 5, minDelta: 1e-3, mode: 'min' });
 * for (let epoch = 0; ; epoch++) {
 *   const { improved, stop } = stopper.update(validate());
 *   if (improved) saveCheckpoint();
 *   if (stop) break;
 * }
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}

export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  readonly checkFinite: boolean;
  /** Best metric so far (±Infinity before the first update). */
  best: number;
  /** Index (0-based) of the update that gave `best`; -1 before any improvement. */
  bestEpoch = -1;
  /** Updates seen so far. */
  epoch = 0;
  /** Updates since the last improvement. */
  wait = 0;
  stopped = false;

  constructor(options: EarlyStoppingOptions = {}) {
    const what = 'earlyStopping';
    rejectUnknownOptions(what, options, ['patience', 'minDelta', 'mode', 'checkFinite']);
    this.patience = intOption(what, 'patience', options.patience ?? 3, 0);
    this.minDelta = rangeOption(what, 'minDelta', options.minDelta ?? 0, 0, Infinity);
    this.mode = choiceOption(what, 'mode', options.mode, ['min', 'max'] as const, 'min');
    this.checkFinite = boolOption(what, 'checkFinite', options.checkFinite, true);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  update(metric: number): EarlyStoppingResult {
    if (typeof metric !== 'number') {
      throw new OptionError(`earlyStopping.update: metric must be a number, got ${String(metric)}`);
    }
    const index = this.epoch++;
    if (!Number.isFinite(metric) && this.checkFinite) {
      this.wait += 1;
      this.stopped = true;
      return { improved: false, stop: true };
    }
    const improved =
      this.mode === 'min' ? metric < this.best - this.minDelta : metric > this.best + this.minDelta;
    if (improved) {
      this.best = metric;
      this.bestEpoch = index;
      this.wait = 0;
    } else {
      this.wait += 1;
      if (this.wait >= this.patience) this.stopped = true;
    }
    return { improved, stop: this.stopped };
  }

  getState(): EarlyStoppingState {
    return {
      kind: 'earlyStopping',
      best: encodeNumber(this.best),
      bestEpoch: this.bestEpoch,
      epoch: this.epoch,
      wait: this.wait,
      stopped: this.stopped,
    };
  }

  setState(state: EarlyStoppingState): void {
    const fail = (msg: string): never => {
      throw new StateDictError(`earlyStopping.setState: ${msg}`);
    };
    if (state?.kind !== 'earlyStopping') fail(`state is for '${String(state?.kind)}'`);
    const best = decodeNumber(state.best, 'earlyStopping.setState: best');
    if (!Number.isInteger(state.epoch) || state.epoch < 0) fail(`epoch must be an integer >= 0, got ${state.epoch}`);
    if (!Number.isInteger(state.wait) || state.wait < 0) fail(`wait must be an integer >= 0, got ${state.wait}`);
    if (!Number.isInteger(state.bestEpoch) || state.bestEpoch < -1) fail(`bestEpoch must be an integer >= -1, got ${state.bestEpoch}`);
    if (typeof state.stopped !== 'boolean') fail(`stopped must be true or false, got ${String(state.stopped)}`);
    this.best = best;
    this.bestEpoch = state.bestEpoch;
    this.epoch = state.epoch;
    this.wait = state.wait;
    this.stopped = state.stopped;
  }
}
