import { DEFAULT_WINDOW } from '../data/windows.js';
import type { TaskKind } from '../training/task.js';

/** The task-specific model options, the one task each is for, and their `recur train` flags. */
const TASK_ONLY = [
  { field: 'bidirectional', flag: '--bidirectional', task: 'classify' },
  { field: 'outputDropout', flag: '--output-dropout', task: 'charlm' },
  { field: 'highway', flag: '--highway', task: 'forecast' },
] as const;

/** What the check reads of a spec (a TaskSpec, a DraftSpec, or a parsed config.json's spec). */
export interface SpecOptions {
  kind: TaskKind;
  model: { bidirectional?: boolean; outputDropout?: number; highway?: number };
  window?: number;
}

/**
 * The first problem with a spec's task-specific options, or null: an option set for a task
 * it does not apply to, or a highway reading more steps than the window has. The one place
 * these rules live: `recur train` (before anything is read), `buildTask`, checkpoint parsing
 * and resume use it. `voice` names the options as `recur train` flags ('flags') or as
 * config.json fields ('fields').
 *
 * @example
 * specProblem({ kind: 'charlm', model: { highway: 3 } }, 'flags'); // '--highway is for --task forecast only'
 */
export function specProblem(spec: SpecOptions, voice: 'flags' | 'fields'): string | null {
  for (const { field, flag, task } of TASK_ONLY) {
    if (spec.model[field] && spec.kind !== task) {
      return voice === 'flags' ? `${flag} is for --task ${task} only` : `spec.model.${field} is for ${task} models, not ${spec.kind}`;
    }
  }
  const highway = spec.model.highway ?? 0;
  const window = spec.window ?? DEFAULT_WINDOW;
  if (highway > window) {
    return voice === 'flags'
      ? `--highway ${highway} reads more steps than the window has (${window}); use --highway <= --window`
      : `spec.model.highway (${highway}) reads more steps than the window has (${window})`;
  }
  return null;
}
