/**
 * Crash safety of `recur train`: kill -9 at random moments and during checkpoint writes, check
 * the checkpoint loads after each kill, resume, and compare the final weights bit for bit with
 * an uninterrupted run of the same seed (one thread).
 *
 *   npm run crashtest                        2 scenarios (text, CSV) x 12 kills
 *   npm run crashtest -- --kills 4 --seed 3
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crashScenario, SCENARIOS, type ScenarioResult } from '../test/reliability/lib/crash.js';

function arg(name: string, fallback: number): number {
  const k = process.argv.indexOf(name);
  const v = k < 0 ? fallback : Number(process.argv[k + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`);
  return v;
}

const kills = arg('--kills', 12);
const seed = arg('--seed', 1);
const root = mkdtempSync(join(tmpdir(), 'recur-crash-'));
const results: ScenarioResult[] = [];
try {
  for (const s of SCENARIOS) {
    console.error(`crashtest: ${s.name}`);
    results.push(await crashScenario(s, root, kills, seed + results.length, (m) => console.error(m)));
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

const rows = results.flatMap((r) => r.kills.map((k) => [r.scenario, String(k.kill), String(k.atMs), k.phase, k.loadedStep === null ? 'none: from scratch' : String(k.loadedStep), k.ok ? 'yes' : `NO: ${k.detail}`]));
const head = ['scenario', 'kill', 'at ms', 'at the kill', 'checkpoint step', 'loads'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log([line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));
console.log('');
for (const r of results) {
  const during = r.kills.filter((k) => k.phase === 'writing (tmp)' || k.phase === 'swapping (old)').length;
  console.log(
    `${r.scenario}: ${r.kills.length} kills (${during} during a checkpoint write), ${r.resumes} resumes, ${r.restarts} restarts from scratch ` +
      `(killed before the first checkpoint), ${r.reruns} complete reruns, ` +
      `${r.referenceSteps} steps; ${r.detail}`,
  );
}
const total = results.reduce((n, r) => n + r.kills.length, 0);
const bad = results.filter((r) => !r.identical || r.kills.some((k) => !k.ok)).length;
console.log(bad === 0 ? `\ncrashtest: ${total} kills; every checkpoint loaded and every resumed run ended with the reference weights` : `\ncrashtest: ${bad} scenario(s) FAILED`);
process.exitCode = bad === 0 ? 0 : 1;
