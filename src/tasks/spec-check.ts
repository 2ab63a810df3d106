import { DEFAULT_WINDOW } from '../data/windows.js';
import type { TaskKind } from '../training/task.js';
import { globalSpecProblem, type GlobalSpecOptions } from './global-spec-check.js';

/** The task-specific model options, the tasks each is for, and their `recur train` flags. */
const TASK_ONLY: ReadonlyArray<{ field: 'bidirectional' | 'outputDropout' | 'highway'; flag: string; tasks: readonly TaskKind[] }> = [
  { field: 'bidirectional', flag: '--bidirectional', tasks: ['classify', 'audio'] },
  { field: 'outputDropout', flag: '--output-dropout', tasks: ['charlm'] },
  { field: 'highway', flag: '--highway', tasks: ['forecast'] },
];

/** What the check reads of a spec (a TaskSpec, a DraftSpec, or a parsed config.json's spec). */
export interface SpecOptions extends Omit<GlobalSpecOptions, 'kind' | 'model'> {
  kind: TaskKind;
  model: { bidirectional?: boolean; outputDropout?: number; highway?: number };
  window?: number;
  /** audio: its file naming and features (present exactly for audio specs). */
  audio?: unknown;
  /** logs only: the supervised session classifier. */
  supervised?: boolean;
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
  for (const { field, flag, tasks } of TASK_ONLY) {
    if (spec.model[field] && !tasks.includes(spec.kind)) {
      const task = tasks.join(' or ');
      return voice === 'flags' ? `${flag} is for --task ${task} only` : `spec.model.${field} is for ${task} models, not ${spec.kind}`;
    }
  }
  if ((spec.audio !== undefined) !== (spec.kind === 'audio')) {
    if (voice === 'flags') return spec.kind === 'audio' ? '--task audio needs its audio settings' : `the audio options are for --task audio only, not ${spec.kind}`;
    return spec.kind === 'audio' ? "missing 'spec.audio' (the audio task's features and file naming)" : `spec.audio is for audio models, not ${spec.kind}`;
  }
  if (spec.supervised && spec.kind !== 'logs') return voice === 'flags' ? '--supervised is for --task logs only' : `spec.supervised is for logs models, not ${spec.kind}`;
  const global = globalSpecProblem(spec, voice);
  if (global) return global;
  const highway = spec.model.highway ?? 0;
  const window = spec.window ?? DEFAULT_WINDOW;
  if (highway > window) {
    return voice === 'flags'
      ? `--highway ${highway} reads more steps than the window has (${window}); use --highway <= --window`
      : `spec.model.highway (${highway}) reads more steps than the window has (${window})`;
  }
  return null;
}
