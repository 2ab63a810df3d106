/**
 * Fuzzes recur's parsers and boundaries with seeded malformed inputs and prints a count table.
 *
 *   npm run fuzz                               every target, 10,000 cases each
 *   npm run fuzz -- --target csv,onnx --count 500 --seed 7
 *   npm run fuzz -- --json                     the table as JSON
 *
 * Each target runs in its own child process, watched: a case that stops reporting for
 * --hang-ms is a hang (the child is killed), a child that dies is a crash. A case ends in
 * success or a typed recur error; anything else, a case over 1 s, or memory growth beyond what
 * the input justifies is flagged and listed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatTable, type FuzzStats } from '../test/reliability/lib/harness.js';
import { TARGETS } from '../test/reliability/lib/targets.js';

interface Args {
  targets: string[];
  count: number;
  seed: number;
  json: boolean;
  child: boolean;
  hangMs: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { targets: TARGETS.map((t) => t.name), count: 10_000, seed: 1, json: false, child: false, hangMs: 20_000 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    const v = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${k} needs a value`);
      return next;
    };
    if (k === '--target') a.targets = v().split(',');
    else if (k === '--count') a.count = Number(v());
    else if (k === '--seed') a.seed = Number(v());
    else if (k === '--hang-ms') a.hangMs = Number(v());
    else if (k === '--json') a.json = true;
    else if (k === '--child') a.child = true;
    else throw new Error(`unknown argument ${k}; use --target a,b --count N --seed S --json`);
  }
  const unknown = a.targets.filter((t) => !TARGETS.some((x) => x.name === t));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
  if (!Number.isInteger(a.count) || a.count < 1) throw new Error('--count must be a positive integer');
  return a;
}

/** In the child: run one target, report progress on stderr, the stats as JSON on stdout. */
async function runChild(a: Args): Promise<void> {
  const t = TARGETS.find((x) => x.name === a.targets[0])!;
  const stats = await t.run(a.count, a.seed, (i) => {
    process.stderr.write(`@${i}\n`);
  });
  process.stdout.write(`\n@@STATS ${JSON.stringify(stats)}\n`);
}

function emptyStats(target: string): FuzzStats {
  return { target, cases: 0, ok: 0, typed: 0, other: 0, codes: {}, maxMs: 0, maxMemBytes: 0, flagged: 0, failures: [] };
}

/** In the parent: one watched child per target. */
function runWatched(target: string, a: Args): Promise<FuzzStats> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', '--max-old-space-size=3072', self, '--child', '--target', target, '--count', String(a.count), '--seed', String(a.seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let last = -1;
  let beat = Date.now();
  let out = '';
  let errTail = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    const s = d.toString();
    for (const m of s.matchAll(/@(\d+)\n/g)) last = Number(m[1]);
    beat = Date.now();
    const rest = s.replace(/@\d+\n/g, '');
    if (rest) errTail = (errTail + rest).slice(-2000);
  });
  let hung = false;
  const watch = setInterval(() => {
    if (Date.now() - beat > a.hangMs) {
      hung = true;
      child.kill('SIGKILL');
    }
  }, 250);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearInterval(watch);
      const m = /@@STATS (.*)\n/.exec(out);
      if (m) return resolve(JSON.parse(m[1]!) as FuzzStats);
      const s = emptyStats(target);
      s.cases = last + 1;
      s.other = 1;
      s.flagged = 1;
      s.failures.push({ i: last, kind: 'other', detail: hung ? `hang: case ${last} ran for over ${a.hangMs} ms` : `child died (${signal ?? code}) during case ${last}: ${errTail}` });
      resolve(s);
    });
  });
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (a.child) return runChild(a);
  const rows: FuzzStats[] = [];
  for (const t of a.targets) {
    const started = Date.now();
    const s = await runWatched(t, a);
    rows.push(s);
    if (!a.json) console.error(`fuzz: ${t}: ${s.cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (a.json) console.log(JSON.stringify(rows, null, 2));
  else {
    console.log(formatTable(rows));
    for (const s of rows) for (const f of s.failures) console.log(`\n[${s.target} #${f.i} ${f.kind}] ${f.detail}`);
  }
  const bad = rows.reduce((n, s) => n + s.other + s.flagged, 0);
  console.log(bad === 0 ? `\nfuzz: all ${rows.reduce((n, s) => n + s.cases, 0)} cases ended in success or a typed error, within limits (seed ${a.seed})` : `\nfuzz: ${bad} problem(s) (seed ${a.seed})`);
  process.exitCode = bad === 0 ? 0 : 1;
}

await main();
