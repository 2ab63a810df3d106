import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { Option } from 'commander';
import { OptionError } from '../errors.js';
import { DEFAULT_WINDOW } from '../data/windows.js';
import type { DraftSpec } from '../tasks/build.js';
import { specProblem } from '../tasks/spec-check.js';
import { addAudioOptions, audioSpecFrom, type AudioFlags } from './train-audio.js';
import { isGlobalSpec } from '../tasks/build-global.js';
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
  { hidden: number; layers: number; embedding: number; batch: number; seqLen: number; lr: number; epochs?: number; timeMs?: number; steps?: number; dropout: number; recurrentDropout: number; evalEvery: number; average: number }
> = {
  charlm: { hidden: 256, layers: 1, embedding: 64, batch: 32, seqLen: 32, lr: 4e-3, timeMs: 120_000, dropout: 0, recurrentDropout: 0, evalEvery: 200, average: 0 },
  forecast: { hidden: 32, layers: 1, embedding: 0, batch: 16, seqLen: 24, lr: 1e-2, epochs: 150, dropout: 0, recurrentDropout: 0.1, evalEvery: 0, average: 0.99 },
  classify: { hidden: 64, layers: 1, embedding: 32, batch: 32, seqLen: 200, lr: 5e-3, epochs: 15, dropout: 0, recurrentDropout: 0, evalEvery: 0, average: 0 },
  logs: { hidden: 64, layers: 2, embedding: 16, batch: 128, seqLen: 10, lr: 5e-3, epochs: 3, dropout: 0, recurrentDropout: 0, evalEvery: 0, average: 0 },
  // audio: a 2x64 bidirectional GRU (README, "Audio"); seqLen is not used (each clip is read whole).
  audio: { hidden: 64, layers: 2, embedding: 0, batch: 32, seqLen: 1, lr: 3e-3, epochs: 15, dropout: 0, recurrentDropout: 0, evalEvery: 0, average: 0 },
};

/**
 * A forecaster of many series (--series-id / --columns): chosen on M1 monthly's validation part
 * (README, "Choosing defaults"): 2,000 steps whatever the number of series (7.5 epochs of M1
 * monthly's windows, 125 of M1 yearly's), validated each epoch, the best weights kept. Weight
 * averaging (0.99) only for a single series: it cost M1 yearly's validation 0.2-0.7 sMAPE (seeds
 * 0-2) and was neutral on monthly and quarterly, but steadied one series' runs (sunspots).
 */
const GLOBAL_FORECAST_DEFAULTS: (typeof DEFAULTS)['forecast'] = {
  hidden: 32, layers: 1, embedding: 0, batch: 64, seqLen: 24, lr: 3e-3, steps: 2000, dropout: 0, recurrentDropout: 0, evalEvery: 0, average: 0,
};

/** The bundled default text for `recur train` with no data file. */
export const BUNDLED_TEXT = fileURLToPath(new URL('../../data/moby_dick.txt', import.meta.url));

/** The flags commander parses; audio's own are in train-audio.ts. */
interface TrainFlags extends AudioFlags {
  task: TaskKind;
  /** Default lstm; audio: gru. */
  model?: 'lstm' | 'gru' | 'rnn';
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
  seriesId?: string;
  columns?: string[];
  category?: string;
  quantiles?: string[];
  calendar: boolean;
  tokens: 'char' | 'word';
  inputField?: string;
  labelField?: string;
  supervised?: boolean;
}

export function registerTrain(program: Command): void {
  const train = program
    .command('train')
    .description('train a model on a text file (charlm), a CSV time series (forecast), labelled sequences (classify), log sessions (logs: next-event anomaly detection) or a folder of WAV recordings (audio)')
    .argument('[data]', 'data file (audio: a folder of WAV files); default: the bundled Moby Dick text (charlm)')
    .addOption(new Option('--task <task>', 'what to learn').choices(['charlm', 'forecast', 'classify', 'logs', 'audio']).default('charlm'))
    .addOption(new Option('--model <cell>', 'recurrent cell (default: lstm; audio: gru)').choices(['lstm', 'gru', 'rnn']))
    .option('--hidden <n>', 'hidden units per layer', parsePositiveInt)
    .option('--layers <n>', 'stacked recurrent layers', parsePositiveInt)
    .option('--embedding <n>', 'embedding size for characters or tokens', parsePositiveInt)
    .option('--dropout <p>', 'dropout between recurrent layers', parseFraction)
    .option('--output-dropout <p>', 'charlm: dropout on the recurrent output before the head (default 0)', parseFraction)
    .option('--bidirectional', 'read sequences both ways (classify; audio: the default)')
    .option('--no-bidirectional', 'audio: read recordings forwards only')
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
    .option('--val-fraction <f>', 'part held out for validation, before the test part (default: charlm 20,000 characters within 2-10% of the text, logs 0.2 of the normal sessions, else 0.1)', parseFraction)
    .option('--test-fraction <f>', 'last part held out for testing (default: charlm 0.1, forecast 1/3, classify 0.2, logs 0.3 of the normal sessions)', parseFraction)
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
    .option('--window <n>', `forecast: past steps the model reads (default ${DEFAULT_WINDOW}); logs: previous events the next is predicted from (default 10)`, parsePositiveInt)
    .option('--highway [steps]', 'forecast: add a linear term on the last steps of the window (default: all of it) to the network\'s output (LSTNet\'s highway); helps series dominated by trend and season', parsePositiveInt)
    .option('--horizon <n>', 'forecast: future steps predicted at once', parsePositiveInt, 1)
    .option('--season <n>', 'forecast: seasonal period for the seasonal-naive baseline, and with many series for deseasonalising (0 = detect)', parseNonNegativeInt, 0)
    .option('--series-id <column>', 'forecast: one model for every series of a long-format CSV (series,t,value); this column names the series')
    .option('--columns <names>', 'forecast: one model for every series of a wide CSV, one column per series (comma-separated)', parseList)
    .option('--category <column>', 'forecast with --series-id: a static category per series, read as an input')
    .option('--quantiles <levels>', 'forecast with many series: quantile levels predicted (default 0.1,0.5,0.9)', parseList)
    .option('--no-calendar', 'forecast with many series: no position-in-season input')
    .addOption(new Option('--tokens <kind>', 'classify: character or word tokens').choices(['char', 'word']).default('char'))
    .option('--input-field <name>', 'classify: field or column with the text or sequence')
    .option('--label-field <name>', 'classify: field or column with the label')
    .option('--supervised', 'logs: a recurrent classifier of whole sessions trained on their labels (normal/anomaly), instead of the next-event model; same test part');
  addAudioOptions(train)
    .action(async (data: string | undefined, flags: TrainFlags, command: Command) => {
      const given = command.options
        .filter((o) => command.getOptionValueSource(o.attributeName()) === 'cli')
        .map((o) => ({ name: o.attributeName(), flag: o.long! }));
      await runTrain(data, flags, given);
    });
}

function specFrom(flags: TrainFlags): { spec: DraftSpec; plan: RunPlan } {
  const panelTask = flags.task === 'forecast' && isGlobalSpec(flags);
  // One series (--columns NAME): weights averaged as the single-series forecaster's are.
  const d = panelTask ? { ...GLOBAL_FORECAST_DEFAULTS, average: flags.columns?.length === 1 ? 0.99 : 0 } : DEFAULTS[flags.task];
  const highway = flags.highway === true ? (flags.window ?? DEFAULT_WINDOW) : flags.highway;
  const recurrentDropout = flags.recurrentDropout ?? d.recurrentDropout;
  const spec: DraftSpec = {
    kind: flags.task,
    model: {
      cell: flags.model ?? (flags.task === 'audio' ? 'gru' : 'lstm'),
      hiddenSize: flags.hidden ?? d.hidden,
      numLayers: flags.layers ?? d.layers,
      dropout: flags.dropout ?? d.dropout,
      bidirectional: flags.bidirectional ?? flags.task === 'audio',
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
    testFraction: flags.testFraction ?? (flags.task === 'forecast' ? 1 / 3 : flags.task === 'classify' ? 0.2 : flags.task === 'logs' ? 0.3 : flags.task === 'audio' ? 0.2 : 0.1),
    seqLen: flags.seqLen ?? d.seqLen,
    column: flags.column,
    features: flags.features,
    missing: flags.missing,
    transform: flags.transform,
    window: flags.window,
    horizon: flags.horizon,
    season: flags.season,
    seriesId: flags.seriesId,
    columns: flags.columns,
    category: flags.category,
    quantiles: flags.quantiles?.map(Number),
    calendar: flags.calendar === false ? false : undefined,
    tokens: flags.tokens,
    inputField: flags.inputField,
    labelField: flags.labelField,
    ...(flags.supervised ? { supervised: true } : {}),
    audio: audioSpecFrom(flags.task, flags),
  };
  const problem = specProblem(spec, 'flags');
  if (problem) throw new OptionError(problem);
  const limited = flags.epochs !== undefined || flags.time !== undefined || flags.steps !== undefined;
  const plan: RunPlan = {
    epochs: flags.epochs ?? (limited ? undefined : d.epochs),
    timeLimitMs: flags.time ?? (limited ? undefined : d.timeMs),
    maxSteps: flags.steps ?? (limited ? undefined : d.steps),
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
  if (task.describeParts) log(`recur: ${task.describeParts()}`);
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
