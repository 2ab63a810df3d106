// The package as a user meets it: `npm pack`, installed by name into an empty project, then
// used from ESM, CommonJS, TypeScript, the CLI and a Vite build. Slow (it builds the package
// and installs its dependencies), so everything shares one install.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot } from '../helpers/cli.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let dir = '';
let project = '';

function run(cmd: string, args: string[], cwd: string, timeout = 240_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_loglevel: 'error' } });
  if (r.status !== 0) assert.fail(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
}
const recur = (args: string[], timeout?: number) => run(process.execPath, [join(project, 'node_modules/recur-nn/bin/recur.js'), ...args], project, timeout);

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'recur-pack-'));
  const packed = run(NPM, ['pack', '--json', '--pack-destination', dir], repoRoot, 400_000);
  // prepack's build prints first; npm's JSON report is the last thing on stdout.
  const info = JSON.parse(packed.stdout.slice(packed.stdout.search(/^\[$/m))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const files = info[0]!.files.map((f) => f.path);
  // What the package must and must not hold (loghub's logs may never be redistributed).
  for (const must of ['dist/index.js', 'dist/onnx.js', 'dist/node.js', 'bin/recur.js', 'web/dist/index.html', 'data/moby_dick.txt', 'LICENSE']) {
    assert.ok(files.includes(must), `the package lacks ${must}`);
  }
  assert.deepEqual(files.filter((f) => /\.map$|^src\/|^data\/logs|loghub|spoken_digits|^test\/(?!fixtures\/pytorch\/)/.test(f)), []);
  project = join(dir, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const install = run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, info[0]!.filename)], project, 400_000);
  assert.doesNotMatch(install.stderr + install.stdout, /install script|allowScripts|prepare/i, 'installing recur-nn warns about scripts');
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('ESM import and require give the same exports, on every entry point', () => {
  for (const entry of ['recur-nn', 'recur-nn/onnx', 'recur-nn/node', 'recur-nn/backends']) {
    const esm = run(process.execPath, ['--input-type=module', '-e', `import * as m from '${entry}'; console.log(JSON.stringify(Object.keys(m).sort()))`], project);
    const cjs = run(process.execPath, ['--input-type=commonjs', '-e', `console.log(JSON.stringify(Object.keys(require('${entry}')).filter((k) => k !== '__esModule' && k !== 'module.exports').sort()))`], project);
    const names = JSON.parse(esm.stdout) as string[];
    assert.ok(names.length > 3, `${entry} exports ${names.length} names`);
    assert.deepEqual(JSON.parse(cjs.stdout), names, entry);
  }
  // The root entry stays free of the CLI's, the charts' and the protobuf decoder's packages:
  // follow its static imports through dist/ and collect the packages they name.
  const pkg = join(project, 'node_modules/recur-nn/');
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    // Static imports only (`import ... from 'x'`, `export ... from 'x'`, `import 'x'`); dynamic ones load lazily.
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|\n)(?:(?:import|export)\b[^'";]*?\bfrom|import)\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec);
    }
  };
  walk(join(pkg, 'dist/index.js'));
  assert.ok(seen.size > 20, `followed only ${seen.size} files`);
  assert.deepEqual([...packages], []);
});

test('the typings compile in a strict project without the DOM lib or skipLibCheck', () => {
  writeFileSync(join(project, 'use.ts'), "import { lstm, Tensor } from 'recur-nn';\nimport { exportOnnx } from 'recur-nn/onnx';\nconst l = lstm({ inputSize: 2, hiddenSize: 3 });\nconst y: Tensor = l.forward(new Tensor(new Float32Array(4), [1, 2, 2])).output;\nexport const bytes: Uint8Array = exportOnnx(l);\nexport const n: number = y.size;\n");
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022'], types: [], skipLibCheck: false, noEmit: true }, files: ['use.ts'] }));
  run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', project], project);
});

test('recur --version on the program and on a command', () => {
  assert.equal(recur(['--version']).stdout.trim(), version);
  assert.equal(recur(['train', '--version']).stdout.trim(), version);
});

test('recur train with no data trains on the bundled text; recur sample reads its checkpoint', () => {
  const trained = recur(['train', '--time', '4s', '--hidden', '16', '--out', 'runs/demo', '--json', '--quiet']);
  assert.match(trained.stdout, /"bpc"/);
  const sample = recur(['sample', 'runs/demo', '--length', '40', '--seed', '1']);
  assert.ok(sample.stdout.trim().length >= 20, `sample printed ${JSON.stringify(sample.stdout)}`);
});

test('recur parity --builtin passes on the installed package', () => {
  const r = recur(['parity', '--builtin']);
  const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[1]) >= 32 && m[2] === '0', m[0]);
});

test('recur viz serves the built page', async () => {
  const child = spawn(process.execPath, [join(project, 'node_modules/recur-nn/bin/recur.js'), 'viz', '--port', '0'], { cwd: project });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`recur viz printed no URL: ${out}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving on (http:\/\/\S+)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      child.on('exit', (code) => reject(new Error(`recur viz exited ${code}: ${out}`)));
    });
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<script[^>]+type="module"/);
  } finally {
    child.kill();
  }
});

test('a Vite build of a page using only lstm succeeds with no warnings; its size', () => {
  writeFileSync(join(project, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(project, 'main.js'), "import { lstm, Tensor } from 'recur-nn';\nconst l = lstm({ inputSize: 2, hiddenSize: 4 });\ndocument.title = String(l.forward(new Tensor(new Float32Array(4), [1, 2, 2])).output.size);\n");
  const r = run(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], project);
  assert.equal((r.stdout + r.stderr).trim(), '', 'vite printed warnings');
  const assets = join(project, 'dist/assets');
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const main = js.map((f) => readFileSync(join(assets, f))).reduce((a, b) => a + b.length, 0);
  const gz = js.map((f) => gzipSync(readFileSync(join(assets, f))).length).reduce((a, b) => a + b, 0);
  const text = js.map((f) => readFileSync(join(assets, f), 'utf8')).join('');
  assert.doesNotMatch(text, /protobufjs|d3-scale|commander/, 'the lstm-only bundle pulls in a dependency it does not use');
  console.log(`lstm-only bundle: ${js.length} JS files, ${(main / 1024).toFixed(1)} kB minified, ${(gz / 1024).toFixed(1)} kB gzip`);
});
