import { OptionError, StateDictError } from '../errors.js';
import { intOption, rangeOption, rejectUnknownOptions } from '../options.js';
import type { JsonValue } from './json.js';

/** Anything with a mutable learning rate: every optimiser in recur. */
export interface LrTarget {
  lr: number;
}

/** A scheduler's checkpointable position (plain JSON). */
export interface SchedulerState {
  kind: string;
  lastEpoch: number;
  [key: string]: JsonValue;
}

/** What every learning-rate scheduler offers. `step()` moves it on by one epoch (or batch). */
export interface LrScheduler {
  readonly kind: string;
  /** Steps taken since creation (0 right after creation, as PyTorch's `last_epoch`). */
  readonly lastEpoch: number;
  /** The learning rate it last set. */
  readonly lastLr: number;
  step(metric?: number): void;
  getState(): SchedulerState;
  /**
   * Restores the position; the optimiser's lr is restored by the optimiser's own state. To
   * resume, build the optimiser and its schedule as at the start, then restore both.
   */
  setState(state: SchedulerState): void;
}

/** A scheduler whose lr is a function of the step alone, so schedules can be chained. */
export interface ClosedFormScheduler extends LrScheduler {
  /** The lr before scheduling: the optimiser's lr when the first scheduler was attached. */
  readonly baseLr: number;
  /** The lr this schedule gives at `epoch` (no side effects). */
  lrAt(epoch: number): number;
}

// PyTorch keeps `initial_lr` in the optimiser's param group, so a second scheduler on the same
// optimiser (as in SequentialLR) starts from the original lr, not from what the first one set.
const initialLrs = new WeakMap<LrTarget, number>();

function initialLr(target: LrTarget): number {
  let lr = initialLrs.get(target);
  if (lr === undefined) {
    lr = target.lr;
    initialLrs.set(target, lr);
  }
  return lr;
}

class ClosedForm implements ClosedFormScheduler {
  lastEpoch = 0;
  lastLr: number;
  readonly baseLr: number;

  constructor(
    readonly kind: string,
    private readonly target: LrTarget,
    private readonly factor: (epoch: number, baseLr: number) => number,
    private readonly parts: readonly ClosedFormScheduler[] = [],
  ) {
    if (typeof target !== 'object' || target === null || typeof target.lr !== 'number') {
      throw new OptionError(`${kind}: the first argument must be an optimiser (an object with a numeric lr)`);
    }
    this.baseLr = initialLr(target);
    this.lastLr = this.apply();
  }

  lrAt(epoch: number): number {
    return this.factor(epoch, this.baseLr);
  }

  step(): void {
    this.lastEpoch += 1;
    this.lastLr = this.apply();
  }

  private apply(): number {
    const lr = this.lrAt(this.lastEpoch);
    this.target.lr = lr;
    return lr;
  }

  getState(): SchedulerState {
    const state: SchedulerState = { kind: this.kind, lastEpoch: this.lastEpoch, baseLr: this.baseLr, lastLr: this.lastLr };
    if (this.parts.length > 0) state.parts = this.parts.map((p) => p.getState());
    return state;
  }

  setState(state: SchedulerState): void {
    checkState(this.kind, state);
    const base = rangeOption(`${this.kind}.setState`, 'baseLr', state.baseLr, 0, Infinity);
    const parts = state.parts ?? [];
    if (!Array.isArray(parts) || parts.length !== this.parts.length) {
      throw new StateDictError(`${this.kind}.setState: expected ${this.parts.length} chained schedules in the state`);
    }
    // Chained parts carry their own base lr; restore them first so a failure leaves this one untouched.
    this.parts.forEach((p, i) => p.setState(parts[i] as SchedulerState));
    (this as { baseLr: number }).baseLr = base;
    this.lastEpoch = state.lastEpoch;
    this.lastLr = this.lrAt(this.lastEpoch);
  }
}

export function checkState(kind: string, state: SchedulerState): void {
  if (state?.kind !== kind) throw new StateDictError(`${kind}.setState: state is for '${String(state?.kind)}'`);
  if (!Number.isInteger(state.lastEpoch) || state.lastEpoch < 0) {
    throw new StateDictError(`${kind}.setState: lastEpoch must be an integer >= 0, got ${String(state.lastEpoch)}`);
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` steps, as torch.optim.lr_scheduler.StepLR:
 * `lr(t) = baseLr · gamma^⌊t / stepSize⌋`. Default gamma 0.1.
 *
 * @example
 * const sched = stepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 */
export function stepLR(optimizer: LrTarget, options: { stepSize: number; gamma?: number }): ClosedFormScheduler {
  rejectUnknownOptions('stepLR', options, ['stepSize', 'gamma']);
  const stepSize = intOption('stepLR', 'stepSize', options.stepSize);
  const gamma = rangeOption('stepLR', 'gamma', options.gamma ?? 0.1, 0, Infinity);
  return new ClosedForm('stepLR', optimizer, (t, base) => base * gamma ** Math.floor(t / stepSize));
}

/**
 * Cosine annealing from the base lr to `etaMin` over `tMax` steps, as
 * torch.optim.lr_scheduler.CosineAnnealingLR (its closed form):
 * `lr(t) = etaMin + (baseLr − etaMin)·(1 + cos(π·t/tMax))/2`. Past tMax it rises again
 * (the cosine continues), as in PyTorch. Default etaMin 0.
 *
 * @example
 * const sched = cosineAnnealing(opt, { tMax: 1000, etaMin: 1e-5 });
 */
export function cosineAnnealing(optimizer: LrTarget, options: { tMax: number; etaMin?: number }): ClosedFormScheduler {
  rejectUnknownOptions('cosineAnnealing', options, ['tMax', 'etaMin']);
  const tMax = intOption('cosineAnnealing', 'tMax', options.tMax);
  const etaMin = rangeOption('cosineAnnealing', 'etaMin', options.etaMin ?? 0, 0, Infinity);
  return new ClosedForm('cosineAnnealing', optimizer, (t, base) => etaMin + (base - etaMin) * cosineFactor(t / tMax));
}

/**
 * Scales the lr linearly from `startFactor` to `endFactor` over `totalIters` steps, then holds
 * it, as torch.optim.lr_scheduler.LinearLR (a warm-up):
 * `lr(t) = baseLr·(start + (end − start)·min(t, totalIters)/totalIters)`.
 * Defaults as PyTorch: startFactor 1/3, endFactor 1, totalIters 5.
 *
 * @example
 * const warm = linearLR(opt, { startFactor: 0.01, totalIters: 100 });
 */
export function linearLR(
  optimizer: LrTarget,
  options: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
): ClosedFormScheduler {
  rejectUnknownOptions('linearLR', options, ['startFactor', 'endFactor', 'totalIters']);
  const start = options.startFactor ?? 1 / 3;
  if (typeof start !== 'number' || !(start > 0 && start <= 1)) {
    throw new OptionError(`linearLR: startFactor must be a number in (0, 1], got ${String(start)}`);
  }
  const end = rangeOption('linearLR', 'endFactor', options.endFactor ?? 1, 0, 1, true);
  const total = intOption('linearLR', 'totalIters', options.totalIters ?? 5);
  return new ClosedForm('linearLR', optimizer, (t, base) => base * (start + ((end - start) * Math.min(t, total)) / total));
}

/**
 * Runs closed-form schedules one after another, switching at each milestone, as
 * torch.optim.lr_scheduler.SequentialLR: at step t the active schedule is the one after the
 * last milestone ≤ t, evaluated at `t − milestone` (its own step count restarts at 0).
 * Step only the sequential scheduler, not its parts.
 *
 * @example
 * const sched = sequential(opt, {
 *   schedulers: [linearLR(opt, { startFactor: 0.1, totalIters: 100 }), cosineAnnealing(opt, { tMax: 900 })],
 *   milestones: [100],
 * });
 */
export function sequential(
  optimizer: LrTarget,
  options: { schedulers: readonly ClosedFormScheduler[]; milestones: readonly number[] },
): ClosedFormScheduler {
  rejectUnknownOptions('sequential', options, ['schedulers', 'milestones']);
  return chain('sequential', optimizer, options.schedulers, options.milestones);
}

function chain(
  kind: string,
  optimizer: LrTarget,
  schedulers: readonly ClosedFormScheduler[],
  milestones: readonly number[],
): ClosedFormScheduler {
  if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => typeof s?.lrAt === 'function')) {
    throw new OptionError('sequential: schedulers must be a non-empty array of closed-form schedulers (not reduceLROnPlateau)');
  }
  if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
    throw new OptionError(
      `sequential: milestones must have ${schedulers.length - 1} entries (one per switch), got ${String(milestones)}`,
    );
  }
  milestones.forEach((m, i) => {
    intOption('sequential', `milestones[${i}]`, m, i === 0 ? 1 : milestones[i - 1]! + 1);
  });
  const parts = [...schedulers];
  const ms = [...milestones];
  const lrAt = (t: number): number => {
    let i = 0;
    while (i < ms.length && t >= ms[i]!) i++;
    return parts[i]!.lrAt(i === 0 ? t : t - ms[i - 1]!);
  };
  return new ClosedForm(kind, optimizer, lrAt, parts);
}

/**
 * Linear warm-up then cosine decay, the usual recipe for recurrent language models:
 * `lr(t) = baseLr·(t+1)/warmupSteps` (`warmupFactor`), reaching baseLr on step W−1 (0-based),
 * the W-th step; from there cosine annealing from baseLr to `etaMin` over `tMax` steps,
 * `lr(t) = etaMin + (baseLr − etaMin)·(1 + cos(π·(t−W+1)/tMax))/2`. The warm-up is the
 * Trainer's (`warmupSteps` in TrainerOptions), so a schedule set up by hand and `recur train
 * --warmup` ramp alike. Equals PyTorch's `SequentialLR([LinearLR(start_factor=1/W,
 * total_iters=W−1), CosineAnnealingLR(T_max)], milestones=[W−1])` for W ≥ 2. Default etaMin 0.
 *
 * @example
 * const sched = warmupCosine(opt, { warmupSteps: 100, tMax: 10_000, etaMin: 1e-5 });
 * for (const batch of batches) { trainStep(batch); sched.step(); }
 */
export function warmupCosine(
  optimizer: LrTarget,
  options: { warmupSteps: number; tMax: number; etaMin?: number },
): ClosedFormScheduler {
  rejectUnknownOptions('warmupCosine', options, ['warmupSteps', 'tMax', 'etaMin']);
  const w = intOption('warmupCosine', 'warmupSteps', options.warmupSteps);
  const tMax = intOption('warmupCosine', 'tMax', options.tMax);
  const etaMin = rangeOption('warmupCosine', 'etaMin', options.etaMin ?? 0, 0, Infinity);
  // The warm-up's last step (factor 1) is the cosine's first (at its peak).
  return new ClosedForm('warmupCosine', optimizer, (t, base) =>
    t < w - 1 ? base * warmupFactor(t, w) : etaMin + (base - etaMin) * cosineFactor((t - w + 1) / tMax),
  );
}

/**
 * The linear warm-up factor of step `t` (0-based): `(t+1)/W` for t < W, then 1, so the W-th
 * step is the first at the peak and no step runs at lr 0 (PyTorch: `LambdaLR(opt, lambda t:
 * min(1, (t+1)/W))`). W = 0: no warm-up. Shared by `warmupCosine` and the Trainer.
 *
 * @example
 * [0, 1, 2, 3].map((t) => warmupFactor(t, 3)); // [1/3, 2/3, 1, 1]
 */
export function warmupFactor(t: number, warmupSteps: number): number {
  return warmupSteps > 0 ? Math.min(1, (t + 1) / warmupSteps) : 1;
}

/**
 * The cosine annealing curve at a fraction `p` of its length: 1 at p = 0, `floor` at p = 1
 * (and rising again after, as the cosine does): `floor + (1 − floor)·(1 + cos(π·p))/2`.
 * Shared by `cosineAnnealing`, `warmupCosine` and the Trainer (whose p may be a fraction of a
 * time budget).
 *
 * @example
 * cosineFactor(0.5, 0.1); // 0.55
 */
export function cosineFactor(p: number, floor = 0): number {
  return floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * p));
}
