import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { describeSafetensors } from '../../src/cli/info-safetensors.js';
import { FormatError } from '../../src/errors.js';
import {
  inspectSafetensorsFile,
  inspectSafetensorsFileSync,
  loadSafetensorsFile,
  saveSafetensorsFile,
} from '../../src/io/safetensors-file.js';
import { lstm } from '../../src/nn/layers/factories.js';
import { f32le, padded, rawFile, u16le, concat } from './helpers.js';

let dir = '';
before(async () => {
  dir = await fsp.mkdtemp(join(tmpdir(), 'recur-st-'));
});
after(() => fsp.rm(dir, { recursive: true, force: true }));

describe('safetensors files', () => {
  test('save (atomically) and load a module state dict', async () => {
    const a = lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 5 });
    const b = lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 6 });
    assert.notDeepEqual(b.stateDict().weight_ih_l0!.data, a.stateDict().weight_ih_l0!.data);
    const path = join(dir, 'lstm.safetensors');
    await saveSafetensorsFile(path, a.stateDict(), { format: 'pt' });
    await saveSafetensorsFile(path, a.stateDict(), { format: 'pt' }); // overwrite in place
    b.loadStateDict(await loadSafetensorsFile(path));
    for (const [name, p] of a.namedParameters()) assert.deepEqual(b.stateDict()[name]!.data, p.data, name);
    assert.deepEqual((await fsp.readdir(dir)).filter((f) => f.includes('.tmp-')), []);
  });

  test('inspect reads only the header: a file whose data is unreadable garbage still lists', async () => {
    // Same header as a real file, but the data section is a sparse 1 GiB hole: only the
    // header is read, so this is instant and allocates nothing large.
    const json = padded('{"__metadata__":{"format":"pt"},"big":{"dtype":"BF16","shape":[16384,32768],"data_offsets":[0,1073741824]}}');
    const path = join(dir, 'big.safetensors');
    await fsp.writeFile(path, rawFile(json));
    await fsp.truncate(path, 8 + json.length + 2 ** 30);
    const start = performance.now();
    const header = await inspectSafetensorsFile(path);
    assert.ok(performance.now() - start < 500);
    assert.deepEqual(header.tensors.map((t) => [t.name, t.dtype, t.shape, t.byteLength]), [['big', 'BF16', [16384, 32768], 2 ** 30]]);
    assert.deepEqual(inspectSafetensorsFileSync(path), header);
    const table = describeSafetensors(path);
    assert.match(table, /big\s+BF16\s+\[16384, 32768\]\s+536,870,912/);
    assert.match(table, /total: 536,870,912 parameters, 1\.0 GiB of data/);
    assert.match(table, /format: pt/);
  });

  test('describeSafetensors prints a table with totals', async () => {
    const json = padded(
      '{"weight_ih_l0":{"dtype":"F32","shape":[8,3],"data_offsets":[0,96]},"bias_ih_l0":{"dtype":"F16","shape":[8],"data_offsets":[96,112]}}',
    );
    const path = join(dir, 'small.safetensors');
    await fsp.writeFile(path, rawFile(json, concat(f32le(new Array<number>(24).fill(0)), u16le(new Array<number>(8).fill(0)))));
    const table = describeSafetensors(path);
    assert.equal(
      table,
      [
        `${path}: safetensors, 2 tensors`,
        '',
        'name          dtype  shape   elements',
        '------------  -----  ------  --------',
        'weight_ih_l0  F32    [8, 3]        24',
        'bias_ih_l0    F16    [8]            8',
        '',
        `total: 32 parameters, 112 B of data (${8 + json.length + 112} B file)`,
      ].join('\n'),
    );
  });

  test('control characters from the file are quoted in the table', async () => {
    const json = padded('{"__metadata__":{"note":"a\\u001b[31mred"},"x\\ny":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}');
    const path = join(dir, 'ctrl.safetensors');
    await fsp.writeFile(path, rawFile(json, f32le([1])));
    const table = describeSafetensors(path);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(table));
    assert.match(table, /"x\\ny"\s+F32\s+\[\]\s+1/);
    assert.match(table, /note: "a\\u001b\[31mred"/);
  });

  test('hostile files fail with FormatError in every reader, before big allocations', async () => {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['empty', new Uint8Array(0), /at least 8 bytes/],
      ['short', new Uint8Array(5), /found 5/],
      ['huge', rawFile('{}', undefined, 2n ** 53n), /larger than/],
      ['past-eof', rawFile('{}', undefined, 50_000_000n), /runs past the end/],
      ['truncated', rawFile(padded('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}'), new Uint8Array(8)), /past the end of the 8-byte data section/],
    ];
    for (const [name, bytes, pattern] of cases) {
      const path = join(dir, `${name}.safetensors`);
      await fsp.writeFile(path, bytes);
      for (const run of [() => loadSafetensorsFile(path), () => inspectSafetensorsFile(path), async () => describeSafetensors(path)]) {
        await assert.rejects(run(), (e: unknown) => e instanceof FormatError && e.message.startsWith(path) && pattern.test(e.message));
      }
    }
    await assert.rejects(loadSafetensorsFile(join(dir, 'nope.safetensors')), { code: 'ENOENT' });
  });
});
