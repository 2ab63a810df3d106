import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { Option } from 'commander';
import { OptionError } from '../errors.js';
import { DEFAULT_WINDOW } from '../data/windows.js';
import type { DraftSpec } from '../tasks/build.js';
import { specProblem } from '../tasks/spec-check.js';
import type { TaskKind } from '../training/task.js';
import { OPTIMIZER_KINDS, type OptimizerKind } from '../training/optimizer-factory.js';
import { parseDuration, parseFraction, parseList, parseNonNegativeInt, parseNumberIn, parsePositiveInt } from './parse.js';
import { attachProgress, formatSeconds } from './progress.js';
import { checkResumeOptions } from '../checkpoint/resume-options.js';
import { printReport } from './report.js';
import { CheckpointSaver, prepareNewCheckpointDir } from '../checkpoint/saver.js';
import { resumeSession, startSession, type RunPlan, type Session } from '../checkpoint/session.js';

/** Per-task defaults, chosen by measurement on the bundled data (see README, "Choosing defaults"). */
const DEFAULTS: Record<
  TaskKind,
  { hidden: number; layers: number; embedding: number; batch: number; seqLen: number; lr: number; epochs?: number; timeMs?: number; dropout: number; recurrentDropout: number; evalEvery: number; average: number }
> = {
  charlm: { hidden: 256, layers: 1, embedding: 64, batch: 32, seqLen: 32, lr: 4e-3, timeMs: 120_000, dropout: 0, recurrentDropout: 0, evalEvery: 200, average: 0 },
  forecast: { hidden: 32, layers: 1, embedding: 0, batch: 16, seqLen: 24, lr: 1e-2, epochs: 150, dropout: 0, recurrentDropout: 0.1, evalEvery: 0, average: 0.99 },
  classify: { hidden: 64, layers: 1, embedding: 32, batch: 32, seqLen: 200, lr: 5e-3, epochs: 15, dropout: 0, recurrentDropout: 0, evalEvery: 0, average: 0 },
};

/** The bundled default text for `recur train` with no data file. */
export const BUNDLED_TEXT = fileURLToPath(new URL('../../data/moby_dick.txt', import.meta.url));

interface TrainFlags {
  task: TaskKind;
  model: 'lstm' | 'gru' | 'rnn';
  hidden?: number;
  layers?: number;
  embedding?: number;
  dropout?: number;
  outputDropout?: number;
  bidirectional?: boolean;
  forgetBias?: number;
  layerNorm?: boolean;
  recurrentDropout?: number;
  zoneout?: number;
  epochs?: number;
  time?: number;
  steps?: number;
  batch?: number;
  seqLen?: number;
  lr?: number;
  schedule: 'cosine' | 'constant';
  warmup: number;
  clip: number;
  optimizer: OptimizerKind;
  weightDecay?: number;
  evalEvery?: number;
  patience: number;
  restoreBest: boolean;
  average?: number;
  valFraction?: number;
  testFraction?: number;
  out?: string;
  resume?: boolean;
  seed: number;
  threads?: number;
  json?: boolean;
  quiet?: boolean;
  column?: string;
  features?: string[];
  missing: 'error' | 'interpolate';
  transform: 'auto' | 'none' | 'log';
  window?: number;
  highway?: number | true;
  horizon: number;
  season: number;
  tokens: 'char' | 'word';
  inputField?: string;
  labelField?: string;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model on a text file (charlm), a CSV time series (forecast) or labelled sequences (classify)')
    .argument('[data]', 'data file; default: the bundled Moby Dick text (charlm)')
    .addOption(new Option('--task <task>', 'what to learn').choices(['charlm', 'forecast', 'classify']).default('charlm'))
    .addOption(new Option('--model <cell>', 'recurrent cell').choices(['lstm', 'gru', 'rnn']).default('lstm'))
    .option('--hidden <n>', 'hidden units per layer', parsePositiveInt)
    .option('--layers <n>', 'stacked recurrent layers', parsePositiveInt)
    .option('--embedding <n>', 'embedding size for characters or tokens', parsePositiveInt)
    .option('--dropout <p>', 'dropout between recurrent layers', parseFraction)
    .option('--output-dropout <p>', 'charlm: dropout on the recurrent output before the head (default 0)', parseFraction)
    .option('--bidirectional', 'read sequences both ways (classify)')
    .option('--forget-bias <b>', 'initial LSTM forget-gate bias', parseNumberIn(-10, 10))
    .option('--layer-norm', 'layer-normalised LSTM/GRU cells (reference kernels; see docs/variants.md)')
    .option('--recurrent-dropout <p>', 'variational dropout on inputs and recurrent state, one mask per sequence (default: forecast 0.1, else 0)', parseFraction)
    .option('--zoneout <p>', 'zoneout probability on the hidden (and cell) state', parseFraction)
    .option('--epochs <n>', 'passes over the training data', parsePositiveInt)
    .option('--time <duration>', 'training time budget, e.g. 90s, 10m, 1h', parseDuration)
    .option('--steps <n>', 'optimiser steps', parsePositiveInt)
    .option('--batch <n>', 'sequences per batch', parsePositiveInt)
    .option('--seq-len <n>', 'charlm: steps per truncated-BPTT window; classify: longest sequence kept', parsePositiveInt)
    .option('--lr <x>', 'peak learning rate', parseNumberIn(1e-8, 10))
    .addOption(new Option('--schedule <s>', 'learning-rate schedule').choices(['cosine', 'constant']).default('cosine'))
    .option('--warmup <steps>', 'linear warm-up steps', parseNonNegativeInt, 0)
    .option('--clip <norm>', 'clip the gradient norm (0 = off)', parseNumberIn(0, 1e6), 5)
    .addOption(new Option('--optimizer <name>', 'optimiser').choices([...OPTIMIZER_KINDS]).default('adam'))
    .option('--weight-decay <x>', 'weight decay (default 0; 1e-2 with adamw)', parseNumberIn(0, 1))
    .option('--eval-every <steps>', 'validate every N steps (0 = each epoch)', parseNonNegativeInt)
    .option('--average <decay>', 'evaluate and keep a moving average of the weights with this decay (0 = off)', parseFraction)
    .option('--no-restore-best', 'end with the last parameters rather than those of the best validation')
    .option('--patience <n>', 'stop after N validations without improvement (0 = never)', parseNonNegativeInt, 0)
    .option('--val-fraction <f>', 'part held out for validation, before the test part (default: charlm 20,000 characters within 2-10% of the text, else 0.1)', parseFraction)
    .option('--test-fraction <f>', 'last part held out for testing (default: charlm 0.1, forecast 1/3, classify 0.2)', parseFraction)
    .option('--out <dir>', 'checkpoint directory (default runs/<task>-<time>)')
    .option('--resume', 'continue the checkpoint in --out where it stopped')
    .option('--seed <n>', 'random seed', parseNonNegativeInt, 0)
    .option('--threads <n>', 'worker threads for the kernels', parsePositiveInt)
    .option('--json', 'machine-readable progress: one JSON object per line on stdout')
    .option('--quiet', 'no progress bar')
    .option('--column <name>', 'forecast: the column to predict (default: the last non-date column)')
    .option('--features <names>', 'forecast: extra input columns, comma-separated', parseList)
    .addOption(new Option('--missing <how>', 'forecast: missing values').choices(['error', 'interpolate']).default('error'))
    .addOption(new Option('--transform <t>', 'forecast: model log(y); auto: for positive series spanning 3x whose swings grow with the level').choices(['auto', 'none', 'log']).default('auto'))
    .option('--window <n>', `forecast: past steps the model reads (default ${DEFAULT_WINDOW})`, parsePositiveInt)
    .option('--highway [steps]', 'forecast: add a linear term on the last steps of the window (default: all of it) to the network\'s output (LSTNet\'s highway); helps series dominated by trend and season', parsePositiveInt)
    .option('--horizon <n>', 'forecast: future steps predicted at once', parsePositiveInt, 1)
    .option('--season <n>', 'forecast: seasonal period for the seasonal-naive baseline (0 = detect)', parseNonNegativeInt, 0)
    .addOption(new Option('--tokens <kind>', 'classify: character or word tokens').choices(['char', 'word']).default('char'))
    .option('--input-field <name>', 'classify: field or column with the text or sequence')
    .option('--label-field <name>', 'classify: field or column with the label')
    .action(async (data: string | undefined, flags: TrainFlags, command: Command) => {
      const given = command.options
        .filter((o) => command.getOptionValueSource(o.attributeName()) === 'cli')
        .map((o) => ({ name: o.attributeName(), flag: o.long! }));
      await runTrain(data, flags, given);
    });
}

function specFrom(flags: TrainFlags): { spec: DraftSpec; plan: RunPlan } {
  const d = DEFAULTS[flags.task];
  const highway = flags.highway === true ? (flags.window ?? DEFAULT_WINDOW) : flags.highway;
  const recurrentDropout = flags.recurrentDropout ?? d.recurrentDropout;
  const spec: DraftSpec = {
    kind: flags.task,
    model: {
      cell: flags.model,
      hiddenSize: flags.hidden ?? d.hidden,
      numLayers: flags.layers ?? d.layers,
      dropout: flags.dropout ?? d.dropout,
      bidirectional: flags.bidirectional ?? false,
      forgetBias: flags.forgetBias ?? null,
      ...(flags.layerNorm ? { layerNorm: true } : {}),
      ...(recurrentDropout > 0 ? { recurrentDropout } : {}),
      ...(flags.zoneout ? { zoneout: flags.zoneout } : {}),
      ...(flags.outputDropout ? { outputDropout: flags.outputDropout } : {}),
      ...(highway ? { highway } : {}),
      embeddingDim: flags.embedding ?? d.embedding,
    },
    batchSize: flags.batch ?? d.batch,
    seed: flags.seed,
    valFraction: flags.valFraction,
    testFraction: flags.testFraction ?? (flags.task === 'forecast' ? 1 / 3 : flags.task === 'classify' ? 0.2 : 0.1),
    seqLen: flags.seqLen ?? d.seqLen,
    column: flags.column,
    features: flags.features,
    missing: flags.missing,
    transform: flags.transform,
    window: flags.window,
    horizon: flags.horizon,
    season: flags.season,
    tokens: flags.tokens,
    inputField: flags.inputField,
    labelField: flags.labelField,
  };
  const problem = specProblem(spec, 'flags');
  if (problem) throw new OptionError(problem);
  const limited = flags.epochs !== undefined || flags.time !== undefined || flags.steps !== undefined;
  const plan: RunPlan = {
    epochs: flags.epochs ?? (limited ? undefined : d.epochs),
    timeLimitMs: flags.time ?? (limited ? undefined : d.timeMs),
    maxSteps: flags.steps,
    lr: flags.lr ?? d.lr,
    schedule: flags.schedule,
    warmupSteps: flags.warmup,
    clipNorm: flags.clip,
    evalEvery: flags.evalEvery ?? d.evalEvery,
    patience: flags.patience,
    optimizer: flags.optimizer,
    weightDecay: flags.weightDecay,
    restoreBest: flags.restoreBest,
    averageDecay: flags.average ?? d.average,
  };
  return { spec, plan };
}

async function runTrain(data: string | undefined, flags: TrainFlags, given: ReadonlyArray<{ name: string; flag: string }> = []): Promise<void> {
  if (flags.threads !== undefined) await applyThreads(flags.threads);
  let session: Session;
  let out: string;
  if (flags.resume) {
    if (!flags.out) throw new OptionError('--resume needs --out <dir>: the checkpoint to continue');
    out = flags.out;
    // New limits given with --resume replace the saved ones (e.g. train for longer).
    const limits = flags.epochs !== undefined || flags.time !== undefined || flags.steps !== undefined
      ? { epochs: flags.epochs, timeLimitMs: flags.time, maxSteps: flags.steps }
      : undefined;
    session = await resumeSession(out, data, limits);
    checkResumeOptions(given, specFrom(flags), session);
  } else {
    const { spec, plan } = specFrom(flags);
    if (data === undefined && spec.kind !== 'charlm') throw new OptionError(`--task ${spec.kind} needs a data file`);
    const path = data ?? BUNDLED_TEXT;
    out = flags.out ?? `runs/${spec.kind}-${new Date().toISOString().replace(/[:T]/g, '-').slice(0, 19)}`;
    prepareNewCheckpointDir(out);
    session = startSession(spec, plan, path);
  }
  const { trainer, task } = session;
  const log = (msg: string) => (flags.json ? undefined : console.error(msg));
  log(
    `recur: ${session.spec.kind} with a ${session.spec.model.numLayers}x${session.spec.model.hiddenSize} ${session.spec.model.cell.toUpperCase()} ` +
      `(${task.model.parameterCount().toLocaleString('en')} parameters) on ${session.dataPath}; checkpoints in ${out}`,
  );
  const saver = new CheckpointSaver(out, session);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    log('\nrecur: stopping after this step and saving a checkpoint (Ctrl-C again to quit at once)');
    trainer.stop();
  };
  process.on('SIGINT', onSigint);
  const stopProgress = attachProgress(trainer, { json: !!flags.json, quiet: flags.quiet });
  try {
    await trainer.run();
  } catch (err) {
    await saver.idle();
    throw saver.explain(err);
  } finally {
    stopProgress();
    process.off('SIGINT', onSigint);
    await saver.idle();
  }
  saver.throwIfFailed();
  if (interrupts > 0) {
    if (flags.json) console.log(JSON.stringify({ event: 'stopped', step: trainer.state.step, out }));
    log(`recur: stopped at step ${trainer.state.step}; resume with: recur train --resume --out ${out}`);
    return;
  }
  const metrics = task.evaluate();
  await saver.saveFinal(metrics);
  if (flags.json) console.log(JSON.stringify({ event: 'done', step: trainer.state.step, out, ...metrics }));
  else {
    log(`recur: trained ${trainer.state.step} steps in ${formatSeconds(trainer.state.elapsedMs / 1000)}`);
    printReport(session.spec.kind, metrics, task);
    log(`checkpoint: ${out}  (loss curve: ${out}/loss.svg)`);
  }
}

/** Sets the kernel thread count when the backend supports threads. */
async function applyThreads(n: number): Promise<void> {
  const { getBackend } = await import('../kernels/backend.js');
  const backend = getBackend() as { setThreads?: (n: number) => void };
  if (backend.setThreads) backend.setThreads(n);
}
