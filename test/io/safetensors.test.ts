import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lstm } from '../../src/nn/layers/factories.js';
import { bfloat16ToFloat, halfToFloat } from '../../src/io/float-decode.js';
import { parseSafetensorsHeader, readSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { concat, f32le, f64le, padded, rawFile, u16le } from './helpers.js';

const is = (a: number, b: number): void => assert.ok(Object.is(a, b), `expected ${b}, got ${a}`);

describe('F16 and BF16 decoding', () => {
  test('binary16 bit patterns, hand-computed', () => {
    const cases: Array<[number, number]> = [
      [0x0000, 0], [0x8000, -0], [0x3c00, 1], [0xbc00, -1], [0xc000, -2], [0x3800, 0.5],
      [0x3555, 0.333251953125], [0x7bff, 65504], [0xfbff, -65504],
      [0x0400, 2 ** -14], // smallest normal
      [0x0001, 2 ** -24], // smallest subnormal
      [0x8001, -(2 ** -24)],
      [0x03ff, 1023 * 2 ** -24], // largest subnormal
      [0x0200, 2 ** -15],
      [0x7c00, Infinity], [0xfc00, -Infinity],
    ];
    for (const [bits, want] of cases) is(halfToFloat(bits), want);
    for (const nan of [0x7e00, 0x7c01, 0xfe00, 0xffff]) assert.ok(Number.isNaN(halfToFloat(nan)));
  });

  test('every binary16 pattern agrees with an independent arithmetic decoding', () => {
    for (let h = 0; h < 0x10000; h++) {
      const s = h >> 15 ? -1 : 1;
      const e = (h >> 10) & 31;
      const m = h & 1023;
      const want = e === 31 ? (m ? NaN : s * Infinity) : e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
      is(halfToFloat(h), want);
      is(Math.fround(halfToFloat(h)), halfToFloat(h)); // exact in float32
    }
  });

  test('bfloat16 bit patterns, hand-computed', () => {
    const cases: Array<[number, number]> = [
      [0x0000, 0], [0x8000, -0], [0x3f80, 1], [0xc000, -2], [0x3eab, 0.333984375],
      [0x7f7f, 3.3895313892515355e38], [0x0080, 2 ** -126], [0x0001, 2 ** -133],
      [0x807f, -127 * 2 ** -133], [0x7f80, Infinity], [0xff80, -Infinity],
    ];
    for (const [bits, want] of cases) is(bfloat16ToFloat(bits), want);
    for (const nan of [0x7fc0, 0x7f81, 0xffc0]) assert.ok(Number.isNaN(bfloat16ToFloat(nan)));
  });

  test('readSafetensors decodes F16, BF16 and F64 tensors to float32', () => {
    const header = padded(
      '{"d":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},' +
        '"h":{"dtype":"F16","shape":[2,2],"data_offsets":[16,24]},' +
        '"b":{"dtype":"BF16","shape":[3],"data_offsets":[24,30]}}',
    );
    const data = concat(f64le([0.1, -1e300]), u16le([0x3c00, 0x0001, 0xfc00, 0x7e00]), u16le([0x3f80, 0x8000, 0x0001]));
    const t = readSafetensors(rawFile(header, data), 'mixed');
    assert.deepEqual(t.d!.shape, [2]);
    is(t.d!.data[0]!, Math.fround(0.1));
    is(t.d!.data[1]!, -Infinity); // out of float32 range rounds to -inf, as torch's .float()
    assert.deepEqual(t.h!.shape, [2, 2]);
    assert.deepEqual([...t.h!.data.slice(0, 3)], [1, 2 ** -24, -Infinity]);
    assert.ok(Number.isNaN(t.h!.data[3]!));
    is(t.b!.data[0]!, 1);
    is(t.b!.data[1]!, -0);
    is(t.b!.data[2]!, 2 ** -133);
  });
});

describe('fixtures built byte by byte from the spec', () => {
  // The reference implementation's own test vector (safetensors tensor.rs test_serialization).
  const reference = [
    64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
    70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
    111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64,
    0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
  ];

  test('the reference test vector reads, and our writer reproduces it byte for byte', () => {
    const t = readSafetensors(new Uint8Array(reference), 'reference');
    assert.deepEqual(Object.keys(t), ['attn.0']);
    assert.deepEqual(t['attn.0']!.shape, [1, 2, 3]);
    assert.deepEqual([...t['attn.0']!.data], [0, 1, 2, 3, 4, 5]);
    const out = writeSafetensors({ 'attn.0': new Tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]) });
    assert.deepEqual([...out], reference);
  });

  test('reference padding vectors: empty file, metadata only, and forced alignment', () => {
    assert.deepEqual([...writeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    const meta = writeSafetensors({}, { framework: 'pt' });
    assert.deepEqual([...meta.subarray(0, 8)], [40, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(new TextDecoder().decode(meta.subarray(8)), '{"__metadata__":{"framework":"pt"}}     ');
    const aligned = writeSafetensors({ attn0: new Tensor([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
    assert.equal(aligned[0], 72); // 65 JSON bytes + 7 spaces
    assert.equal(new TextDecoder().decode(aligned.subarray(8 + 65, 8 + 72)), '       ');
  });

  test('a file laid out as safetensors.torch.save_file writes a mixed-dtype state dict', () => {
    // save_file sorts by descending dtype alignment (F32 before F16), then by name.
    const json =
      '{"__metadata__":{"format":"pt"},' +
      '"rnn.bias_ih_l0":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"rnn.weight_ih_l0":{"dtype":"F32","shape":[2,1],"data_offsets":[8,16]},' +
      '"emb.weight":{"dtype":"F16","shape":[1,2],"data_offsets":[16,20]}}';
    const bytes = rawFile(padded(json), concat(f32le([0.5, -0.25]), f32le([3, 4]), u16le([0x3c00, 0xc000])));
    assert.equal((8 + padded(json).length) % 8, 0);
    const header = parseSafetensorsHeader(bytes, 'pt-file');
    assert.deepEqual(header.metadata, { format: 'pt' });
    assert.deepEqual(header.tensors.map((e) => [e.name, e.dtype, e.byteOffset - header.dataStart, e.byteLength]), [
      ['rnn.bias_ih_l0', 'F32', 0, 8],
      ['rnn.weight_ih_l0', 'F32', 8, 8],
      ['emb.weight', 'F16', 16, 4],
    ]);
    const t = readSafetensors(bytes, 'pt-file');
    assert.deepEqual([...t['rnn.weight_ih_l0']!.data], [3, 4]);
    assert.deepEqual([...t['emb.weight']!.data], [1, -2]);
  });

  test('unpadded headers (unaligned data) and header keys in any order still read', () => {
    const json = '{"b":{"dtype":"F32","shape":[],"data_offsets":[4,8]},"a":{"shape":[1],"data_offsets":[0,4],"dtype":"F32"}}';
    assert.notEqual((8 + json.length) % 4, 0);
    const file = rawFile(json, f32le([1.5, -7]));
    // Also from a Uint8Array view that starts at an odd byte of its buffer.
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    for (const bytes of [file, shifted.subarray(1), file.slice().buffer]) {
      const t = readSafetensors(bytes, 'unaligned');
      assert.deepEqual([...t.a!.data], [1.5]);
      assert.deepEqual(t.b!.shape, []);
      assert.deepEqual([...t.b!.data], [-7]);
    }
  });

  test('integer dtypes are listed but refused for loading unless skipped', () => {
    const json = padded('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"steps":{"dtype":"I64","shape":[],"data_offsets":[4,12]}}');
    const bytes = rawFile(json, concat(f32le([2]), new Uint8Array(8)));
    assert.deepEqual(parseSafetensorsHeader(bytes, 'ints').tensors.map((e) => e.dtype), ['F32', 'I64']);
    assert.throws(() => readSafetensors(bytes, 'ints'), { name: 'FormatError', message: /"steps" has dtype I64; recur loads only F32, F16, BF16, F64/ });
    assert.deepEqual(Object.keys(readSafetensors(bytes, 'ints', { skipUnsupported: true })), ['w']);
  });
});

describe('round trips', () => {
  test('values, shapes (scalar, empty, 3-D), special floats and metadata survive', () => {
    const tensors = {
      'b.scalar': new Tensor([3.25], []),
      'a.empty': new Tensor([], [0, 5]),
      'c.cube': new Tensor(Float32Array.from({ length: 24 }, (_, i) => (i - 12) / 7), [2, 3, 4]),
      'd.special': { shape: [5], data: new Float32Array([-0, Infinity, -Infinity, 1e-45, 3.4028234663852886e38]) },
      'é/ü': new Tensor([1, 2], [2, 1]),
    };
    const meta = { format: 'pt', note: 'line\n"quoted" ☃' };
    const bytes = writeSafetensors(tensors, meta);
    const header = parseSafetensorsHeader(bytes, 'rt');
    assert.deepEqual(header.metadata, meta);
    assert.deepEqual(header.tensors.map((e) => e.name), ['a.empty', 'b.scalar', 'c.cube', 'd.special', 'é/ü']);
    assert.equal(header.dataStart % 8, 0);
    for (const e of header.tensors) assert.equal(e.byteOffset % 4, 0);
    const back = readSafetensors(bytes, 'rt');
    for (const [name, t] of Object.entries(tensors)) {
      assert.deepEqual(back[name]!.shape, [...t.shape], name);
      assert.deepEqual([...back[name]!.data], [...t.data], name);
    }
    assert.ok(Object.is(back['d.special']!.data[0], -0));
  });

  test('output is deterministic whatever the insertion order, and NaN round-trips', () => {
    const x = new Tensor([NaN, 1], [2]);
    const y = new Tensor([2], [1]);
    assert.deepEqual(writeSafetensors({ x, y }, { b: '2', a: '1' }), writeSafetensors({ y, x }, { a: '1', b: '2' }));
    assert.ok(Number.isNaN(readSafetensors(writeSafetensors({ x }), 'nan').x!.data[0]!));
  });

  test('a bidirectional 2-layer LSTM saved and loaded into a fresh one has identical parameters', () => {
    const a = lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1 });
    const b = lstm({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 2 });
    assert.notDeepEqual(b.stateDict().weight_hh_l1_reverse!.data, a.stateDict().weight_hh_l1_reverse!.data);
    const loaded = readSafetensors(writeSafetensors(a.stateDict(), { format: 'pt' }), 'lstm');
    assert.ok(Object.keys(loaded).includes('weight_hh_l1_reverse'));
    b.loadStateDict(loaded);
    const pa = a.namedParameters();
    const pb = b.namedParameters();
    assert.equal(pa.length, 16);
    pa.forEach(([name, p], i) => {
      assert.equal(pb[i]![0], name);
      assert.deepEqual(pb[i]![1].shape, p.shape);
      assert.deepEqual(pb[i]![1].data, p.data, name);
    });
  });

  test('writer validates its input', () => {
    assert.throws(() => writeSafetensors({ w: { shape: [2, 2], data: new Float32Array(3) } }), { name: 'ShapeError', message: /"w" has shape \[2, 2\] \(4 values\) but 3 values/ });
    assert.throws(() => writeSafetensors({ w: { shape: [-1], data: new Float32Array(0) } }), { name: 'ShapeError' });
    assert.throws(() => writeSafetensors({ __metadata__: new Tensor([1]) }), { name: 'OptionError' });
    assert.throws(() => writeSafetensors({}, { n: 3 as unknown as string }), { name: 'OptionError' });
    assert.throws(() => writeSafetensors({ ['bad\ud800']: new Tensor([1]) }), { name: 'OptionError', message: /unpaired UTF-16 surrogate/ });
    assert.doesNotThrow(() => writeSafetensors({ ['ok\ud83d\ude00']: new Tensor([1]) }));
  });

  test('a tensor named __proto__ stays an ordinary entry', () => {
    const back = readSafetensors(writeSafetensors({ ['__proto__']: new Tensor([9]) } as Record<string, Tensor>), 'proto');
    assert.ok(Object.hasOwn(back, '__proto__'));
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
  });
});
