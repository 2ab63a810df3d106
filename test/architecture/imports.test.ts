// The import graph of src/: no circles (type-only imports count, since a type declared in the
// wrong file is how a circle starts) and no import running up the layers of the data flow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Lowest first: a folder may import only from folders ranked below it (and from itself). */
export const LAYERS = [
  'errors.ts', 'options.ts',
  'tensor', 'data', 'kernels', 'autograd', 'nn', 'models', 'training', 'forecasting', 'tasks', 'io', 'checkpoint', 'cli',
  'index.ts', 'onnx.ts', 'backends.ts', 'node.ts',
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'assembly' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]!);
  const dynamic = [...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
  return [...specs, ...dynamic].map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const top = (f: string) => relative(SRC, f).split('/')[0]!;
const name = (f: string) => relative(SRC, f);

test('every relative import resolves to a source file', () => {
  const missing = [...graph].flatMap(([f, deps]) => deps.filter((d) => !graph.has(d)).map((d) => `${name(f)} -> ${d}`));
  assert.deepEqual(missing, []);
});

test('every top-level entry of src/ has a layer', () => {
  const unranked = [...new Set(files.map(top))].filter((t) => !LAYERS.includes(t));
  assert.deepEqual(unranked, []);
});

test('imports only run down the layers', () => {
  const up = [...graph].flatMap(([f, deps]) =>
    deps.filter((d) => top(d) !== top(f) && LAYERS.indexOf(top(d)) > LAYERS.indexOf(top(f))).map((d) => `${name(f)} -> ${name(d)}`));
  assert.deepEqual(up, []);
});

test('the import graph has no circles', () => {
  // Tarjan's strongly connected components: any component of more than one file is a circle.
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const circles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); comp.push(name(w)); } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(comp.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  assert.deepEqual(circles, []);
});
