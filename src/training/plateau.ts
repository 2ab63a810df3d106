import { OptionError, StateDictError } from '../errors.js';
import { choiceOption, intOption, rangeOption, rejectUnknownOptions } from '../options.js';
import { decodeNumber, encodeNumber } from './json.js';
import { checkState, type LrScheduler, type LrTarget, type SchedulerState } from './schedules.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': lower metric is better (a loss); 'max': higher is better (an accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** Multiplies the lr on a plateau; must be < 1. Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** How much better counts as better. Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting bad steps again. Default 0. */
  cooldown?: number;
  /** The lr never goes below this. Default 0. */
  minLr?: number;
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

const KNOWN = ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps'] as const;

/**
 * Cuts the lr by `factor` when a metric stops improving for more than `patience` steps, as
 * torch.optim.lr_scheduler.ReduceLROnPlateau. Call `step(metric)` once per evaluation.
 * A NaN metric counts as no improvement (as in PyTorch).
 *
 * @example
 * const sched = reduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 2 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); sched.step(validationLoss()); }
 */
export function reduceLROnPlateau(optimizer: LrTarget, options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(optimizer, options);
}

export class ReduceLROnPlateau implements LrScheduler {
  readonly kind = 'reduceLROnPlateau';
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
  lastEpoch = 0;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;

  constructor(
    private readonly optimizer: LrTarget,
    options: ReduceLROnPlateauOptions = {},
  ) {
    const what = 'reduceLROnPlateau';
    rejectUnknownOptions(what, options, KNOWN);
    if (typeof optimizer !== 'object' || optimizer === null || typeof optimizer.lr !== 'number') {
      throw new OptionError(`${what}: the first argument must be an optimiser (an object with a numeric lr)`);
    }
    this.mode = choiceOption(what, 'mode', options.mode, ['min', 'max'] as const, 'min');
    this.factor = rangeOption(what, 'factor', options.factor ?? 0.1, 0, 1);
    this.patience = intOption(what, 'patience', options.patience ?? 10, 0);
    this.threshold = rangeOption(what, 'threshold', options.threshold ?? 1e-4, 0, Infinity);
    this.thresholdMode = choiceOption(what, 'thresholdMode', options.thresholdMode, ['rel', 'abs'] as const, 'rel');
    this.cooldown = intOption(what, 'cooldown', options.cooldown ?? 0, 0);
    this.minLr = rangeOption(what, 'minLr', options.minLr ?? 0, 0, Infinity);
    this.eps = rangeOption(what, 'eps', options.eps ?? 1e-8, 0, Infinity);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  get lastLr(): number {
    return this.optimizer.lr;
  }

  /** Whether `a` beats `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (1 + t) : a > best + t;
  }

  step(metric?: number): void {
    if (typeof metric !== 'number') {
      throw new OptionError(`reduceLROnPlateau.step: metric must be a number, got ${String(metric)}`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad steps during cool-down are ignored
    }
    if (this.numBadEpochs > this.patience) {
      const old = this.optimizer.lr;
      const next = Math.max(old * this.factor, this.minLr);
      if (old - next > this.eps) this.optimizer.lr = next;
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getState(): SchedulerState {
    return {
      kind: this.kind,
      lastEpoch: this.lastEpoch,
      best: encodeNumber(this.best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
    };
  }

  setState(state: SchedulerState): void {
    checkState(this.kind, state);
    const best = decodeNumber(state.best, 'reduceLROnPlateau.setState: best');
    const counts = [state.numBadEpochs, state.cooldownCounter];
    if (!counts.every((c) => Number.isInteger(c) && (c as number) >= 0)) {
      throw new StateDictError(`reduceLROnPlateau.setState: counters must be integers >= 0, got ${String(counts)}`);
    }
    this.lastEpoch = state.lastEpoch;
    this.best = best;
    this.numBadEpochs = counts[0] as number;
    this.cooldownCounter = counts[1] as number;
  }
}
