import { cpSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../../../src/checkpoint/session.js';
import { parseCheckpointConfig } from '../../../src/checkpoint/format.js';
import { loadOnnx } from '../../../src/io/onnx/import/load.js';
import { exportModelOnnx } from '../../../src/io/onnx/export/model.js';
import { readSafetensors, writeSafetensors } from '../../../src/io/safetensors.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { makeFixtures } from './fixtures.js';
import type { FuzzTarget } from './harness.js';
import { concatBytes, mutateBytes, mutateJson, mutateText } from './mutate.js';
import type { Prng } from './rng.js';

const enc = new TextEncoder();

/** A safetensors file from a header object and a data section, with the length prefix. */
function rawSafetensors(header: unknown, data: Uint8Array, declared?: bigint): Uint8Array {
  const h = enc.encode(JSON.stringify(header) ?? 'null');
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, declared ?? BigInt(h.length), true);
  return concatBytes(len, h, data);
}

function headerOf(file: Uint8Array): { header: unknown; data: Uint8Array } {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n))), data: file.subarray(8 + n) };
}

export const safetensorsTarget: FuzzTarget<Uint8Array> = {
  name: 'safetensors',
  async setup() {
    const seeds = [
      writeSafetensors({ w: { shape: [3, 4], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) }, b: { shape: [4], data: new Float32Array(4) } }, { format: 'pt' }),
      writeSafetensors({ s: { shape: [], data: new Float32Array([1]) }, e: { shape: [0, 5], data: new Float32Array(0) } }),
      rawSafetensors({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, d: { dtype: 'F64', shape: [1], data_offsets: [8, 16] }, bf: { dtype: 'BF16', shape: [2, 1], data_offsets: [16, 20] } }, new Uint8Array(20).fill(0x3c)),
    ];
    return {
      generate(rng: Prng): Uint8Array {
        const seed = rng.pick(seeds);
        if (rng.chance(0.5)) return mutateBytes(rng, seed);
        // Structured: a header with hostile values, offsets, dtypes or sizes, re-framed correctly (or not).
        const { header, data } = headerOf(seed);
        const h = mutateJson(rng, header);
        const declared = rng.chance(0.1) ? rng.pick([0n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n, 7n, 100_000_000n]) : undefined;
        return rawSafetensors(h, rng.chance(0.2) ? data.subarray(0, rng.int(0, data.length)) : data, declared);
      },
      run: (b: Uint8Array) => readSafetensors(b, 'fuzz.safetensors'),
      size: (b: Uint8Array) => b.length,
    };
  },
};

export const configTarget: FuzzTarget<string | { json: unknown }> = {
  name: 'config',
  async setup() {
    const fx = await makeFixtures();
    const texts = Object.values(fx.checkpoints).map((d) => readFileSync(join(d, 'config.json'), 'utf8'));
    return {
      generate(rng: Prng): string | { json: unknown } {
        const text = rng.pick(texts);
        if (rng.chance(0.6)) return { json: mutateJson(rng, mutateJson(rng, JSON.parse(text))) };
        return rng.chance(0.5) ? mutateText(rng, text) : new TextDecoder().decode(mutateBytes(rng, enc.encode(text)));
      },
      run(input: string | { json: unknown }) {
        if (typeof input !== 'string') return parseCheckpointConfig(input.json, 'config.json');
        // What readCheckpointConfig does with the text of the file.
        let json: unknown;
        try {
          json = JSON.parse(input);
        } catch {
          return null; // readCheckpointConfig turns this into a FormatError; covered by the checkpoint target.
        }
        return parseCheckpointConfig(json, 'config.json');
      },
      size: (input: string | { json: unknown }) => (typeof input === 'string' ? input.length : JSON.stringify(input.json)?.length ?? 0),
    };
  },
};

interface BigConfig {
  spec: { model: Record<string, unknown>; horizon?: number };
  saved: { vocab?: string[]; encoding?: { vocab?: string[]; extras?: unknown[] } };
}

/** A valid config with a model far bigger than its weights file: sizes a parser accepts but memory does not. */
function bigger(rng: Prng, c: BigConfig): BigConfig {
  const key = rng.pick(['hiddenSize', 'numLayers', 'embeddingDim', 'vocab', 'horizon', 'highway', 'extras']);
  const n = rng.pick([3000, 8000, 16_000, 40_000, 65_536]);
  if (key === 'vocab') {
    const list = Array.from({ length: n }, (_, i) => String.fromCodePoint(0x4e00 + i));
    if (c.saved.vocab) c.saved.vocab = list;
    else if (c.saved.encoding) c.saved.encoding.vocab = list;
    c.spec.model.embeddingDim = 4000;
  } else if (key === 'extras') {
    if (c.saved.encoding) c.saved.encoding.extras = Array.from({ length: n }, () => ({ mean: 0, std: 1 }));
  } else if (key === 'horizon') c.spec.horizon = n;
  else c.spec.model[key] = n;
  return c;
}

type CheckpointCase = { kind: 'config'; text: string; from: string } | { kind: 'weights'; bytes: Uint8Array; from: string } | { kind: 'layout'; op: number; from: string };

export const checkpointTarget: FuzzTarget<CheckpointCase> = {
  name: 'checkpoint',
  async setup() {
    const fx = await makeFixtures();
    const sources = Object.values(fx.checkpoints);
    const configs = new Map(sources.map((d) => [d, readFileSync(join(d, 'config.json'), 'utf8')]));
    const weights = new Map(sources.map((d) => [d, new Uint8Array(readFileSync(join(d, 'model.safetensors')))]));
    const work = join(fx.root, 'case');
    return {
      generate(rng: Prng): CheckpointCase {
        const from = rng.pick(sources);
        const r = rng.next();
        if (r < 0.5) {
          const text = configs.get(from)!;
          const t = rng.chance(0.2) ? JSON.stringify(bigger(rng, JSON.parse(text) as BigConfig)) : rng.chance(0.7) ? JSON.stringify(mutateJson(rng, mutateJson(rng, JSON.parse(text)))) ?? '' : mutateText(rng, text);
          return { kind: 'config', text: t, from };
        }
        if (r < 0.9) return { kind: 'weights', bytes: mutateBytes(rng, weights.get(from)!), from };
        return { kind: 'layout', op: rng.int(0, 5), from };
      },
      async run(c: CheckpointCase) {
        rmSync(work, { recursive: true, force: true });
        rmSync(`${work}.old`, { recursive: true, force: true });
        cpSync(c.from, work, { recursive: true });
        if (c.kind === 'config') writeFileSync(join(work, 'config.json'), c.text);
        else if (c.kind === 'weights') writeFileSync(join(work, 'model.safetensors'), c.bytes);
        else if (c.op === 0) unlinkSync(join(work, 'config.json'));
        else if (c.op === 1) unlinkSync(join(work, 'model.safetensors'));
        else if (c.op === 2) renameSync(work, `${work}.old`); // a crash between the two renames
        else if (c.op === 3) rmSync(work, { recursive: true });
        else if (c.op === 4) {
          unlinkSync(join(work, 'config.json'));
          mkdirSync(join(work, 'config.json')); // a directory where the file should be
        } else writeFileSync(join(work, 'model.safetensors'), readFileSync(join(work, 'state.safetensors')));
        return loadModel(work);
      },
      size: (c: CheckpointCase) => (c.kind === 'config' ? c.text.length : c.kind === 'weights' ? c.bytes.length : 0) + 4096,
    };
  },
};

const ONNX_FIXTURES = fileURLToPath(new URL('../../fixtures/onnx/', import.meta.url));

export const onnxTarget: FuzzTarget<Uint8Array> = {
  name: 'onnx',
  async setup() {
    const seeds: Uint8Array[] = readdirSync(ONNX_FIXTURES).filter((f) => f.endsWith('.onnx')).map((f) => new Uint8Array(readFileSync(join(ONNX_FIXTURES, f))));
    const fx = await makeFixtures();
    for (const dir of Object.values(fx.checkpoints)) {
      const { loaded } = await loadModel(dir);
      seeds.push(exportModelOnnx(loaded.model));
    }
    return {
      generate: (rng: Prng) => mutateBytes(rng, rng.pick(seeds)),
      run(bytes: Uint8Array) {
        const m = loadOnnx(bytes, { source: 'fuzz.onnx' });
        // Run what loaded on small inputs of the declared shapes (symbolic sizes as 2).
        const feeds: Record<string, Tensor> = {};
        for (const v of m.inputs) {
          const shape = (v.shape ?? [2, 2, 2]).map((d) => (typeof d === 'number' && d > 0 && d <= 64 ? d : 2));
          feeds[v.name] = new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
        }
        return m.run(feeds);
      },
      size: (b: Uint8Array) => b.length,
    };
  },
};
