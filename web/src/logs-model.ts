// Opens a `recur train --task logs` checkpoint in the page (pure: no DOM, tested in Node) and
// names the two rules it carries: the probability threshold `recur detect` uses by default and
// DeepLog's top-g, both chosen on validation when it was trained.
import { EventVocabulary, modelFromSpec, parseCheckpointConfig, readSafetensors } from 'recur';
import type { CheckpointConfig, EventModel, LogsEncoding, Threshold } from 'recur';
import { fetchCheckpoint } from './checkpoint-files.js';

export interface LogsModel {
  config: CheckpointConfig;
  /** What recur's detection functions read: the LSTM, the event vocabulary and the history h. */
  events: EventModel;
  encoding: LogsEncoding;
  source: string;
}

/** A detection rule the page offers, with how it reads. */
export interface LogsRule {
  id: 'default' | 'top';
  threshold: Threshold;
  label: string;
}

/** Whether a parsed config.json is a logs checkpoint's (so the explorer shows sessions, not text). */
export function isLogsConfig(json: unknown): boolean {
  const spec = (json as { spec?: { kind?: unknown } } | null)?.spec;
  return typeof spec === 'object' && spec !== null && spec.kind === 'logs';
}

/**
 * Builds the checkpoint's model and loads its weights, as `recur detect` does (loadModel).
 *
 * @example
 * const m = logsModelFromBytes(JSON.parse(configText), weightBytes, 'dropped:run/');
 * m.events.history // 10
 */
export function logsModelFromBytes(configJson: unknown, weights: Uint8Array, source: string): LogsModel {
  const config = parseCheckpointConfig(configJson, `${source}config.json`);
  const loaded = modelFromSpec(config.spec, config.saved, `${source}config.json`);
  if (loaded.kind === 'logsClassifier') {
    throw new Error(`${source} holds a supervised session classifier (recur train --task logs --supervised): it gives each session one verdict, not a rank for each event; the explorer needs the next-event model: train with recur train FILE --task logs, without --supervised`);
  }
  if (loaded.kind !== 'logs') throw new Error(`${source} holds a ${loaded.kind} model, not a logs one (recur train --task logs)`);
  loaded.model.loadStateDict(readSafetensors(weights, `${source}model.safetensors`));
  loaded.model.eval();
  const events: EventModel = { model: loaded.model, vocab: new EventVocabulary(loaded.encoding.events), history: loaded.encoding.history };
  return { config, events, encoding: loaded.encoding, source };
}

/** Fetches a logs checkpoint served under a base URL (`recur viz DIR`). */
export async function fetchLogsModel(base: string): Promise<LogsModel> {
  const { config, weights, source } = await fetchCheckpoint(base);
  return logsModelFromBytes(config, weights, source);
}

/** The checkpoint's rules: first the one `recur detect` uses without --top/--threshold. */
export function rulesOf(m: LogsModel): LogsRule[] {
  const rules: LogsRule[] = [{ id: 'default', threshold: m.encoding.threshold.threshold, label: `recur detect's default: ${ruleText(m.encoding.threshold.threshold)}` }];
  // Older checkpoints may carry only the default.
  const top = m.encoding.top?.threshold;
  if (top) rules.push({ id: 'top', threshold: top, label: `DeepLog's top-g: ${ruleText(top)}` });
  return rules;
}

/** How a threshold reads: 'outside the top 9' or 'p < 0.00123'. */
export function ruleText(t: Threshold): string {
  return t.kind === 'top' ? `outside the top ${t.g}` : `p < ${t.p.toPrecision(3)}`;
}
