/**
 * kill -9 a real `recur train` at random moments (and during checkpoint writes), check after
 * every kill that the checkpoint directory loads, continue with --resume (or from scratch
 * when no checkpoint exists yet), and compare the final weights bit for bit with an
 * uninterrupted run of the same seed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../../../src/checkpoint/session.js';
import { readSafetensors } from '../../../src/io/safetensors.js';
import { Prng } from './rng.js';

const ENTRY = fileURLToPath(new URL('../../helpers/cli-entry.ts', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface Scenario {
  name: string;
  /** Writes the data file into `dir` and returns its path. */
  data(dir: string): string;
  /** Training arguments after the data file (small model, --steps budget). */
  args: string[];
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'text (charlm LSTM)',
    data: (dir) => write(join(dir, 'text.txt'), 'It was the best of times, it was the worst of times; it was the age of wisdom. '.repeat(60)),
    args: ['--task', 'charlm', '--model', 'lstm', '--hidden', '12', '--embedding', '6', '--batch', '4', '--seq-len', '16', '--dropout', '0.1', '--layers', '2', '--steps', '160'],
  },
  {
    name: 'csv (forecast GRU)',
    data: (dir) => write(join(dir, 'series.csv'), 'month,value\n' + Array.from({ length: 160 }, (_, t) => `${t},${(50 + 20 * Math.sin(t / 4) + t * 0.3).toFixed(3)}`).join('\n') + '\n'),
    args: ['--task', 'forecast', '--model', 'gru', '--hidden', '10', '--batch', '8', '--window', '12', '--horizon', '2', '--steps', '160'],
  },
];

const COMMON = ['--eval-every', '2', '--seed', '7', '--threads', '1', '--quiet', '--json'];

function write(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

export interface KillRecord {
  scenario: string;
  kill: number;
  /** Milliseconds after the start of the process. */
  atMs: number;
  /** What the checkpoint folder looked like at the kill: none yet, idle, or a write in progress. */
  phase: 'no checkpoint' | 'idle' | 'writing (tmp)' | 'swapping (old)';
  /** Step of the checkpoint that loaded after the kill, or null when none existed (restart from scratch). */
  loadedStep: number | null;
  ok: boolean;
  detail: string;
}

export interface ScenarioResult {
  scenario: string;
  kills: KillRecord[];
  /** Starts from scratch because a kill came before the first checkpoint. */
  restarts: number;
  resumes: number;
  /** Complete runs that ended before their kill came (trained again from scratch for the remaining kills). */
  reruns: number;
  referenceSteps: number;
  identical: boolean;
  detail: string;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  ms: number;
  phase: KillRecord['phase'];
}

/** The state of the checkpoint folder; `stale` lists leftovers of earlier kills, which do not count as a write. */
function phaseOf(out: string, stale: ReadonlySet<string> = new Set()): KillRecord['phase'] {
  const parent = dirname(out);
  const name = basename(out);
  const entries = (existsSync(parent) ? readdirSync(parent) : []).filter((e) => !stale.has(e));
  if (entries.some((e) => e.startsWith(`${name}.tmp-`))) return 'writing (tmp)';
  if (entries.includes(`${name}.old`)) return 'swapping (old)';
  return entries.includes(name) ? 'idle' : 'no checkpoint';
}

/** Runs the CLI; kills it with SIGKILL after `kill.afterMs`, or during the `kill.onWrite`-th checkpoint write it sees (0 = first). */
function runCli(args: string[], out: string, kill: { afterMs?: number; onWrite?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const stale = new Set(readdirSync(dirname(out)).filter((e) => e.startsWith(`${basename(out)}.`)));
    let phase: KillRecord['phase'] = 'no checkpoint';
    let writesSeen = 0;
    const doKill = () => {
      phase = phaseOf(out, stale);
      child.kill('SIGKILL');
    };
    const timer = kill.afterMs === undefined ? null : setTimeout(doKill, kill.afterMs);
    // Poll for a write in progress (a new dir.tmp-* or dir.old); count the writes seen.
    let writing = false;
    const poll = kill.onWrite === undefined
      ? null
      : setInterval(() => {
          const p = phaseOf(out, stale);
          const now = p === 'writing (tmp)' || p === 'swapping (old)';
          if (now && !writing && writesSeen++ >= kill.onWrite!) doKill();
          writing = now;
        }, 1);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolve({ code, signal, stderr, ms: Date.now() - t0, phase });
    });
  });
}

function weightsOf(dir: string): Map<string, Float32Array> {
  const path = join(dir, 'model.safetensors');
  return new Map(Object.entries(readSafetensors(readFileSync(path), path)).map(([k, t]) => [k, t.data as Float32Array]));
}

function sameBits(a: Map<string, Float32Array>, b: Map<string, Float32Array>): string | null {
  if (a.size !== b.size) return `${a.size} tensors vs ${b.size}`;
  for (const [k, x] of a) {
    const y = b.get(k);
    if (!y || y.length !== x.length) return `${k}: missing or of another size`;
    const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
    for (let i = 0; i < xb.length; i++) if (xb[i] !== yb[i]) return `${k}[${i}]: ${x[i]} vs ${y[i]}`;
  }
  return null;
}

/** One scenario: a reference run, then `kills` interrupted runs resumed to the end. */
export async function crashScenario(
  scenario: Scenario,
  root: string,
  kills: number,
  seed: number,
  log: (msg: string) => void = () => undefined,
  steps?: number,
): Promise<ScenarioResult> {
  const s = steps === undefined ? scenario : { ...scenario, args: scenario.args.map((a, i) => (scenario.args[i - 1] === '--steps' ? String(steps) : a)) };
  const dir = join(root, s.name.replace(/\W+/g, '-'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const data = s.data(dir);
  const ref = join(dir, 'reference');
  const r0 = await runCli(['train', data, '--out', ref, ...s.args, ...COMMON], ref);
  if (r0.code !== 0) throw new Error(`${s.name}: the reference run failed (${r0.code}): ${r0.stderr}`);
  const refLoaded = await loadModel(ref);
  const result: ScenarioResult = { scenario: s.name, kills: [], restarts: 0, resumes: 0, reruns: 0, referenceSteps: refLoaded.config.training.trainer.step, identical: false, detail: '' };
  const rng = new Prng(seed);
  const out = join(dir, 'run');
  let finished = false;
  let rerun = false;
  for (let attempt = 0; !finished && attempt < kills * 4 + 10; attempt++) {
    const { loadable } = await inspect(out);
    const args = loadable ? ['train', '--resume', '--out', out, ...COMMON] : ['train', data, '--out', out, ...s.args, ...COMMON];
    if (loadable) result.resumes++;
    else if (attempt > 0 && !rerun) result.restarts++;
    rerun = false;
    const killing = result.kills.length < kills;
    // Half the kills at a random moment of the run, half during a checkpoint write.
    const onWrite = killing && result.kills.length % 2 === 1;
    const r = await runCli(args, out, !killing ? {} : onWrite ? { onWrite: rng.int(0, 8) } : { afterMs: rng.int(0, Math.round(r0.ms * 1.1)) });
    if (r.signal === 'SIGKILL') {
      const after = await inspect(out);
      const rec: KillRecord = { scenario: s.name, kill: result.kills.length + 1, atMs: r.ms, phase: r.phase, loadedStep: after.step, ok: after.error === null, detail: after.error ?? '' };
      result.kills.push(rec);
      log(`  kill ${rec.kill}: ${rec.atMs} ms, ${rec.phase}; checkpoint ${rec.loadedStep === null ? 'none yet (restart from scratch)' : `at step ${rec.loadedStep}`}${rec.ok ? '' : ` FAILED: ${rec.detail}`}`);
      continue;
    }
    if (r.code !== 0) {
      result.detail = `a run exited with ${r.code}: ${r.stderr.slice(-800)}`;
      return result;
    }
    if (result.kills.length < kills) {
      // The run ended before its kill came: train again from scratch for the remaining kills.
      for (const e of readdirSync(dir)) if (e === 'run' || e.startsWith('run.')) rmSync(join(dir, e), { recursive: true, force: true });
      result.reruns++;
      rerun = true;
      continue;
    }
    finished = true;
  }
  if (!finished) {
    result.detail = 'did not finish';
    return result;
  }
  const diff = sameBits(weightsOf(ref), weightsOf(out));
  result.identical = diff === null;
  result.detail = diff === null ? 'final weights equal bit for bit' : `final weights differ: ${diff}`;
  return result;
}

/** Whether a checkpoint exists at `out` (or out.old) and loads completely (config, weights and training state). */
async function inspect(out: string): Promise<{ loadable: boolean; step: number | null; error: string | null }> {
  const exists = existsSync(join(out, 'config.json')) || existsSync(join(`${out}.old`, 'config.json'));
  if (!exists) return { loadable: false, step: null, error: null };
  try {
    const { config } = await loadModel(out);
    const real = existsSync(join(out, 'config.json')) ? out : `${out}.old`;
    const state = join(real, 'state.safetensors');
    readSafetensors(readFileSync(state), state);
    return { loadable: true, step: config.training.trainer.step, error: null };
  } catch (e) {
    return { loadable: false, step: null, error: String(e) };
  }
}
