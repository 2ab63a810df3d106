import { FormatError, OptionError } from '../errors.js';
import { parseCsv } from '../data/csv.js';
import { parseLabelled } from '../data/labelled.js';
import { detectSeason, numericColumn } from '../data/series.js';
import { decodeText, Vocabulary } from '../data/text.js';
import { applyTransform, chooseTransform, DEFAULT_WINDOW, type SeriesEncoding } from '../data/windows.js';
import { splitByTime } from '../data/series.js';
import type { RecurrentConfig } from '../models/config.js';
import { CharLmTask, defaultValFraction } from './charlm.js';
import { ClassifyTask, type ClassifyEncoding } from './classify.js';
import { ForecastTask } from './forecast.js';
import { buildGlobalTask, isGlobalSpec, type GlobalSaved } from './build-global.js';
import type { AudioSpec } from './audio.js';
import { DEFAULT_HISTORY, LogsTask, type LogsEncoding } from './logs.js';
import { LogsClassifierTask, type LogsClassifierEncoding } from './logs-supervised.js';
import { parseSessionsJsonl } from '../data/logs/sessions.js';
import type { Task, TaskKind } from '../training/task.js';
import { specProblem } from './spec-check.js';

/**
 * Everything needed to rebuild a task from its data file: saved in a checkpoint's
 * config.json, so `--resume`, `eval`, `sample` and `forecast` see exactly what training saw.
 */
export interface TaskSpec {
  kind: TaskKind;
  /** outputDropout: charlm only; highway: forecast only (ForecasterConfig.highway). */
  model: RecurrentConfig & { embeddingDim: number; outputDropout?: number; highway?: number };
  batchSize: number;
  seed: number;
  valFraction: number;
  testFraction: number;
  /** charlm: steps per truncated-BPTT window; classify: longest sequence kept. */
  seqLen: number;
  /** forecast */
  column?: string;
  features?: string[];
  missing?: 'error' | 'interpolate';
  transform?: 'auto' | 'none' | 'log';
  /** forecast: past steps the model reads; logs: previous events (h, default 10) */
  window?: number;
  /** logs: a supervised session classifier over event ids instead of the next-event model (LogsClassifierTask) */
  supervised?: boolean;
  horizon?: number;
  season?: number;
  /** classify */
  tokens?: 'char' | 'word';
  inputField?: string;
  labelField?: string;
  /** audio: file naming, feature front end and augmentation (the data is a folder: buildAudioTask) */
  audio?: AudioSpec;
  /** forecast, global model (many series: GlobalSpecFields): long format's id column, or wide format's series columns */
  seriesId?: string;
  columns?: string[];
  /** global forecast: a static category column (long format), the quantiles, the season position as input */
  category?: string;
  quantiles?: number[];
  calendar?: boolean;
}

/** A spec as given, before defaults that depend on the data are filled in (`resolveSpec`). */
export type DraftSpec = Omit<TaskSpec, 'valFraction'> & { valFraction?: number };

/** Fills in the data-dependent defaults: charlm's validation part (defaultValFraction), else 10%. */
export function resolveSpec(draft: DraftSpec, bytes: Uint8Array, source: string): TaskSpec {
  if (draft.valFraction !== undefined) return { ...draft, valFraction: draft.valFraction };
  // logs: 20% of the normal sessions (and 40% of the labelled anomalies) for choosing the threshold.
  const valFraction = draft.kind === 'charlm' ? defaultValFraction(codePoints(decodeText(bytes, source))) : draft.kind === 'logs' ? 0.2 : 0.1;
  return { ...draft, valFraction };
}

/** Characters as the vocabulary counts them (code points, not UTF-16 units). */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Data a checkpoint keeps so a task is rebuilt identically (e.g. the vocabulary of the training text). */
export interface SavedData {
  vocab?: string[];
  unknown?: number;
  /** forecast: SeriesEncoding; classify: ClassifyEncoding */
  encoding?: unknown;
}

/** Builds the task a spec describes on the bytes of its data file. */
export function buildTask(spec: TaskSpec, bytes: Uint8Array, source: string, saved: SavedData = {}): Task {
  const problem = specProblem(spec, 'flags');
  if (problem) throw new OptionError(problem);
  switch (spec.kind) {
    case 'charlm': {
      const text = decodeText(bytes, source);
      const vocab = saved.vocab ? new Vocabulary(saved.vocab, saved.unknown ?? 0) : undefined;
      return new CharLmTask(
        text,
        {
          model: spec.model,
          batchSize: spec.batchSize,
          seqLen: spec.seqLen,
          valFraction: spec.valFraction,
          testFraction: spec.testFraction,
          seed: spec.seed,
        },
        vocab,
      );
    }
    case 'forecast': {
      // --series-id / --columns: one model for many series (tasks/build-global.ts).
      if (isGlobalSpec(spec)) return buildGlobalTask(spec, bytes, source, saved as Partial<GlobalSaved>);
      const table = parseCsv(decodeText(bytes, source), source);
      const column = spec.column ?? defaultColumn(table.header, source);
      const names = [column, ...(spec.features ?? [])];
      const [y, ...extras] = names.map((n) => numericColumn(table, n, source, spec.missing ?? 'error'));
      const options = {
        model: spec.model,
        window: spec.window ?? DEFAULT_WINDOW,
        horizon: spec.horizon ?? 1,
        batchSize: spec.batchSize,
        valFraction: spec.valFraction,
        testFraction: spec.testFraction,
        season: spec.season ?? 0,
        seed: spec.seed,
      };
      if (saved.encoding) {
        // Encode exactly as in training (scalers fitted on the training data, not on this file).
        const encoding = saved.encoding as SeriesEncoding;
        if (encoding.transform === 'log' && y!.some((v) => v <= 0)) {
          throw new FormatError(`${source}: this model works on log values and column '${column}' holds a value <= 0`);
        }
        return new ForecastTask({ y: y!, z: applyTransform(y!, encoding.transform), extras, names }, encoding, options);
      }
      const split = splitByTime(y!.length, spec.valFraction, spec.testFraction);
      // Detected once, for the transform's choice and the seasonal-naive baseline alike.
      const season = options.season || detectSeason(y!.subarray(0, split.trainEnd), 60);
      const transform = chooseTransform(y!, split.trainEnd, spec.transform ?? 'auto', `column '${column}'`, season);
      return ForecastTask.fit({ y: y!, extras, names }, transform, { ...options, season });
    }
    case 'classify': {
      const examples = parseLabelled(decodeText(bytes, source), source, { input: spec.inputField, label: spec.labelField });
      return new ClassifyTask(examples, {
        model: spec.model,
        tokens: spec.tokens ?? 'char',
        maxLen: spec.seqLen,
        batchSize: spec.batchSize,
        testFraction: spec.testFraction,
        valFraction: spec.valFraction,
        seed: spec.seed,
      }, saved.encoding as ClassifyEncoding | undefined);
    }
    case 'logs': {
      const sessions = parseSessionsJsonl(decodeText(bytes, source), source);
      const options = { model: spec.model, history: spec.window ?? DEFAULT_HISTORY, batchSize: spec.batchSize, valFraction: spec.valFraction, testFraction: spec.testFraction, seed: spec.seed };
      if (spec.supervised) return new LogsClassifierTask(sessions, options, saved.encoding as LogsClassifierEncoding | undefined);
      return new LogsTask(sessions, options, saved.encoding as LogsEncoding | undefined);
    }
    case 'audio':
      throw new OptionError(`${source}: --task audio reads a folder of WAV files (buildAudioTask), not one data file`);
    default:
      throw new OptionError(`unknown task '${String((spec as { kind: unknown }).kind)}'; use charlm, forecast, classify, logs or audio`);
  }
}

/** The last column, unless it looks like a date or time column: then the one before it. */
function defaultColumn(header: string[], source: string): string {
  const candidates = header.filter((h) => !/^(date|time|timestamp|year|month|day|week)$/i.test(h));
  const pick = candidates[candidates.length - 1];
  if (!pick) throw new OptionError(`${source}: no value column found; name one with --column`);
  return pick;
}
