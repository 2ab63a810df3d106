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
  const wasmFiles = ['kernels-relaxed', 'kernels-simd128', 'shared-relaxed', 'shared-simd128'].map((n) => `dist/kernels/wasm/generated/${n}.wasm`);
  for (const must of ['dist/index.js', 'dist/onnx.js', 'dist/node.js', 'bin/recur.js', 'web/dist/index.html', 'data/moby_dick.txt', 'LICENSE', ...wasmFiles]) {
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
  // The root entry stays free of the CLI's, the charts' and the protobuf decoder's packages,
  // and recur-nn/node of the CLI's and the charts' (the loss chart loads d3 when drawn):
  // follow their static imports through dist/ and collect the packages they name.
  const pkg = join(project, 'node_modules/recur-nn/');
  const staticPackages = (entry: string): { files: number; packages: string[] } => {
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
    walk(join(pkg, entry));
    return { files: seen.size, packages: [...packages] };
  };
  const root = staticPackages('dist/index.js');
  assert.ok(root.files > 20, `followed only ${root.files} files`);
  assert.deepEqual(root.packages, []);
  const node = staticPackages('dist/node.js');
  assert.ok(node.files > 20, `followed only ${node.files} files`);
  assert.deepEqual(node.packages.filter((p) => /^(d3-|commander|cli-progress)/.test(p)), []);
});

test('in Node the layers run on the WASM kernels right after import (read from the .wasm files), from ESM and CommonJS', () => {
  const use = "const l = lstm({ inputSize: 2, hiddenSize: 4 }); const y = l.forward(new Tensor(new Float32Array(4), [1, 2, 2])).output; console.log(getBackend().name, y.size);";
  const esm = run(process.execPath, ['--input-type=module', '-e', `import { lstm, Tensor, getBackend } from 'recur-nn'; ${use}`], project);
  const cjs = run(process.execPath, ['--input-type=commonjs', '-e', `const { lstm, Tensor, getBackend } = require('recur-nn'); ${use}`], project);
  assert.equal(esm.stdout.trim(), 'wasm 8');
  assert.equal(cjs.stdout.trim(), 'wasm 8');
  // The files, for copying to a CDN or an app's public folder: `recur-nn/wasm/<name>.wasm`.
  const resolved = run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('recur-nn/wasm/kernels-simd128.wasm'))"], project);
  const bytes = readFileSync(new URL(resolved.stdout.trim()));
  assert.deepEqual([...bytes.subarray(0, 4)], [0, 97, 115, 109], 'a WebAssembly module');
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

test('a Vite build of a page using only lstm: no warnings, the kernels as .wasm assets, no base64 copy in the JS it loads; its size', () => {
  writeFileSync(join(project, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
  writeFileSync(join(project, 'main.js'), "import { lstm, Tensor, ready } from 'recur-nn';\nawait ready();\nconst l = lstm({ inputSize: 2, hiddenSize: 4 });\ndocument.title = String(l.forward(new Tensor(new Float32Array(4), [1, 2, 2])).output.size);\n");
  const r = run(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--manifest', '--target', 'es2022'], project);
  assert.equal((r.stdout + r.stderr).trim(), '', 'vite printed warnings');
  const out = join(project, 'dist');
  const assets = readdirSync(join(out, 'assets'));
  // What the page loads at start: the entry chunk and the chunks it imports statically.
  const manifest = JSON.parse(readFileSync(join(out, '.vite/manifest.json'), 'utf8')) as Record<string, { file: string; isEntry?: boolean; imports?: string[] }>;
  const loaded = new Set<string>();
  const follow = (key: string): void => {
    const chunk = manifest[key]!;
    if (loaded.has(chunk.file)) return;
    loaded.add(chunk.file);
    chunk.imports?.forEach(follow);
  };
  Object.keys(manifest).filter((k) => manifest[k]!.isEntry).forEach(follow);
  const size = (files: string[]) => ({
    min: files.map((f) => readFileSync(join(out, f)).length).reduce((a, b) => a + b, 0) / 1024,
    gz: files.map((f) => gzipSync(readFileSync(join(out, f))).length).reduce((a, b) => a + b, 0) / 1024,
  });
  const pageJs = [...loaded];
  const lazyJs = assets.map((f) => `assets/${f}`).filter((f) => f.endsWith('.js') && !loaded.has(f));
  const wasm = assets.filter((f) => f.endsWith('.wasm')).map((f) => `assets/${f}`);
  // The four kernel builds, emitted as files: the page fetches one (relaxed where supported).
  assert.deepEqual(wasm.map((f) => /^assets\/(\w+-\w+)-/.exec(f)?.[1]).sort(), ['kernels-relaxed', 'kernels-simd128', 'shared-relaxed', 'shared-simd128']);
  const text = (files: string[]) => files.map((f) => readFileSync(join(out, f), 'utf8')).join('');
  assert.doesNotMatch(text(pageJs), /protobufjs|d3-scale|commander/, 'the lstm-only bundle pulls in a dependency it does not use');
  // 'AGFzbQ' is base64 of the WebAssembly magic '\0asm': no inlined module in the page's JS.
  assert.doesNotMatch(text(pageJs), /AGFzbQ/, 'the page JS carries an inlined WASM module');
  const workers = lazyJs.filter((f) => /web-worker/.test(f));
  assert.equal(workers.length, 1, `one pool worker chunk, got ${lazyJs.join(', ')}`);
  assert.doesNotMatch(text(workers), /AGFzbQ/, 'the pool worker carries kernels of its own');
  for (const f of wasm) assert.ok(!text(workers).includes(f.slice('assets/'.length)), `the pool worker fetches ${f} itself`);
  // The inline copies stay, as lazy chunks, the fallback where a file cannot be fetched.
  assert.equal(lazyJs.filter((f) => /AGFzbQ/.test(text([f]))).length, 4, 'one lazy chunk per inline kernel build');
  const kernels = wasm.filter((f) => /kernels-relaxed/.test(f));
  const kB = (files: string[]) => `${size(files).min.toFixed(1)} kB minified, ${size(files).gz.toFixed(1)} kB gzip`;
  console.log(`lstm-only bundle: page JS (${pageJs.length} file) ${kB(pageJs)}; kernels-relaxed.wasm ${kB(kernels)}; lazy: pool worker ${kB(workers)}, inline fallbacks (${lazyJs.length - 1} files) ${kB(lazyJs.filter((f) => !workers.includes(f)))}`);
});
