import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FormatError } from '../../src/errors.js';
import { parseSafetensorsHeader, readSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { concat, f32le, padded, rawFile, u16le } from './helpers.js';

/** Asserts a FormatError whose message names the source and matches `pattern`. */
function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => readSafetensors(bytes, 'evil.safetensors'),
    (e: unknown) => {
      assert.ok(e instanceof FormatError, `expected FormatError, got ${String(e)}`);
      assert.equal(e.code, 'E_FORMAT');
      assert.match(e.message, /^evil\.safetensors: /);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

const one = (entry: string, data: Uint8Array = new Uint8Array(0)): Uint8Array => rawFile(padded(`{"t":${entry}}`), data);

describe('hostile headers', () => {
  test('empty file and fewer than 8 bytes', () => {
    rejects(new Uint8Array(0), /expected at least 8 bytes.*found 0/);
    rejects(new Uint8Array(7), /found 7/);
  });

  test('huge header lengths are refused before anything is allocated', () => {
    rejects(rawFile('{}', undefined, 2n ** 53n), /larger than the 100000000-byte limit/);
    rejects(rawFile('{}', undefined, 2n ** 40n), /larger than the 100000000-byte limit/);
    rejects(rawFile('{}', undefined, 2n ** 64n - 1n), /larger than/);
    rejects(rawFile('{}', undefined, 100_000_001n), /larger than/);
    rejects(rawFile('{}', undefined, 99_999_999n), /runs past the end of the 10-byte file/);
    rejects(rawFile('{}', undefined, 3n), /runs past the end/);
    rejects(rawFile('{}', undefined, 0n), /header length is 0/);
  });

  test('header not UTF-8, not JSON, not an object', () => {
    rejects(rawFile(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/);
    rejects(rawFile(new Uint8Array([0x7b, 0xed, 0xa0, 0x80, 0x7d])), /not valid UTF-8/); // encoded surrogate
    rejects(rawFile(padded('{"a":')), /not valid JSON.*end of text/);
    rejects(rawFile('{"a":1}x'), /not valid JSON/);
    rejects(rawFile('\ufeff{}'), /not valid JSON/); // a BOM is not JSON whitespace
    rejects(rawFile('{}\0\0\0\0\0\0'), /not valid JSON/); // only space padding
    rejects(rawFile(padded('[1,2]')), /must be a JSON object, found array/);
    rejects(rawFile(padded('"str"')), /found string/);
    rejects(rawFile(padded('['.repeat(5000) + ']'.repeat(5000))), /nesting deeper than 64/);
  });

  test('entries: unknown dtype, bad fields, bad metadata', () => {
    rejects(one('{"dtype":"F128","shape":[1],"data_offsets":[0,16]}', new Uint8Array(16)), /tensor "t": dtype must be one of F64, F32.*found "F128"/);
    rejects(one('{"dtype":"f32","shape":[1],"data_offsets":[0,4]}', new Uint8Array(4)), /found "f32"/);
    rejects(one('{"dtype":"toString","shape":[1],"data_offsets":[0,4]}', new Uint8Array(4)), /found "toString"/);
    rejects(one('{"shape":[1],"data_offsets":[0,4]}', new Uint8Array(4)), /dtype must be one of .* found nothing/);
    rejects(one('{"dtype":"F32","data_offsets":[0,4]}', new Uint8Array(4)), /"t": shape must be an array.*found nothing/);
    rejects(one('{"dtype":"F32","shape":[1],"data_offsets":[0,4],"strides":[1]}', new Uint8Array(4)), /unexpected field "strides"/);
    rejects(one('[1]'), /"t": expected an object/);
    rejects(rawFile(padded('{"__metadata__":{"a":1}}')), /__metadata__ value for "a" must be a string, found number/);
    rejects(rawFile(padded('{"__metadata__":[]}')), /__metadata__ must be an object/);
  });

  test('negative, fractional, exponent and overflowing shapes', () => {
    rejects(one('{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}'), /shape\[0\] must be a non-negative integer.*found -1/);
    rejects(one('{"dtype":"F32","shape":[1.5],"data_offsets":[0,6]}', new Uint8Array(6)), /found 1\.5/);
    rejects(one('{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}', new Uint8Array(4)), /found 1\.0/);
    rejects(one('{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}', new Uint8Array(4)), /found 1e0/);
    rejects(one('{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}', new Uint8Array(8)), /found string/);
    rejects(one('{"dtype":"F32","shape":[18446744073709551616],"data_offsets":[0,4]}', new Uint8Array(4)), /below 2\^53/);
    rejects(one('{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}', new Uint8Array(4)), /more than 2\^53 elements \(overflow\)/);
    // Element count fits but bytes do not: 2^52 * 8 bytes.
    rejects(one('{"dtype":"F64","shape":[4503599627370496],"data_offsets":[0,8]}', new Uint8Array(8)), /needs 4503599627370496 \* 8/);
  });

  test('offsets: past the end, reversed, wrong length, overlapping, gaps, trailing bytes', () => {
    rejects(one('{"dtype":"F32","shape":[2],"data_offsets":[0,8]}', new Uint8Array(4)), /end 8 is past the end of the 4-byte data section/);
    rejects(one('{"dtype":"F32","shape":[0],"data_offsets":[4,0]}', new Uint8Array(4)), /has begin > end/);
    rejects(one('{"dtype":"F32","shape":[1],"data_offsets":[0]}', new Uint8Array(4)), /must be \[begin, end\], found 1 numbers/);
    rejects(one('{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}', new Uint8Array(12)), /F32 shape \[2, 2\] needs 4 \* 4 = 16 bytes but data_offsets \[0, 12\] span 12/);
    const two = (a: string, b: string, n: number): Uint8Array =>
      rawFile(padded(`{"a":{"dtype":"F32","shape":[2],"data_offsets":${a}},"b":{"dtype":"F32","shape":[2],"data_offsets":${b}}}`), new Uint8Array(n));
    rejects(two('[0,8]', '[4,12]', 12), /tensor "b": data_offsets \[4, 12\] overlap tensor "a" which ends at 8/);
    rejects(two('[0,8]', '[0,8]', 8), /overlap tensor "a"/);
    rejects(two('[0,8]', '[12,20]', 20), /"b": data_offsets begin at 12, expected 8/);
    rejects(two('[4,12]', '[12,20]', 20), /"a": data_offsets begin at 4, expected 0/);
    rejects(one('{"dtype":"F32","shape":[1],"data_offsets":[0,4]}', new Uint8Array(8)), /cover 4 bytes of data but the data section holds 8/);
  });

  test('duplicate keys, at the top level and inside an entry', () => {
    rejects(rawFile(padded('{"t":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"t":{"dtype":"F32","shape":[],"data_offsets":[4,8]}}'), new Uint8Array(8)), /duplicate key "t"/);
    rejects(one('{"dtype":"F32","dtype":"F16","shape":[],"data_offsets":[0,4]}', new Uint8Array(4)), /duplicate key "dtype"/);
    rejects(rawFile(padded('{"__metadata__":{},"__metadata__":{}}')), /duplicate key "__metadata__"/);
  });

  test('truncated data section', () => {
    const good = writeSafetensors({ w: new Tensor([1, 2, 3, 4], [2, 2]) });
    rejects(good.subarray(0, good.length - 1), /end 16 is past the end of the 15-byte data section \(truncated file\?\)/);
    rejects(good.subarray(0, 20), /runs past the end of the 20-byte file/);
  });

  test('a header-only prefix can be parsed with the real file size, and a short prefix is refused', () => {
    const good = writeSafetensors({ w: new Tensor([1, 2, 3, 4], [2, 2]) });
    const n = Number(new DataView(good.buffer).getBigUint64(0, true));
    const header = parseSafetensorsHeader(good.subarray(0, 8 + n), 'prefix', { fileSize: good.length });
    assert.equal(header.tensors[0]!.byteLength, 16);
    assert.throws(() => parseSafetensorsHeader(good.subarray(0, 8 + n - 1), 'prefix', { fileSize: good.length }), FormatError);
  });
});

describe('fuzzing', () => {
  // A valid file with several dtypes, metadata and an unaligned-friendly layout.
  const json = padded(
    '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},' +
      '"b":{"dtype":"F16","shape":[4],"data_offsets":[24,32]},"c":{"dtype":"BF16","shape":[1,2],"data_offsets":[32,36]},' +
      '"d":{"dtype":"I32","shape":[],"data_offsets":[36,40]}}',
  );
  const valid = rawFile(json, concat(f32le([1, 2, 3, 4, 5, 6]), u16le([0x3c00, 0x0001, 0x7c00, 0x8000]), u16le([0x3f80, 0x4000]), new Uint8Array(4)));

  test('the seed file is valid', () => {
    assert.equal(Object.keys(readSafetensors(valid, 'seed', { skipUnsupported: true })).length, 3);
  });

  test('2,000 random truncations and bit flips end in success or FormatError, quickly', () => {
    let seed = 12345; // mulberry32: a seeded generator with decent low bits
    const rand = (n: number): number => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n | 0;
    };
    const start = performance.now();
    const outcomes = { ok: 0, format: 0 };
    for (let i = 0; i < 2000; i++) {
      let bytes: Uint8Array;
      const kind = rand(3);
      if (kind === 0) bytes = valid.slice(0, rand(valid.length));
      else {
        bytes = valid.slice();
        // One flip anywhere (often in data: must still load), or several in the length
        // and header, where the parsing happens.
        const flips = kind === 1 ? 1 : 1 + rand(8);
        for (let f = 0; f < flips; f++) bytes[rand(kind === 1 ? bytes.length : 8 + json.length)]! ^= 1 << rand(8);
      }
      try {
        readSafetensors(bytes, `fuzz#${i}`, { skipUnsupported: rand(2) === 0 });
        parseSafetensorsHeader(bytes, `fuzz#${i}`);
        outcomes.ok++;
      } catch (e) {
        if (!(e instanceof FormatError)) throw new Error(`case ${i}: ${String(e)}`);
        assert.match(e.message, new RegExp(`^fuzz#${i}: `));
        outcomes.format++;
      }
    }
    const ms = performance.now() - start;
    assert.ok(ms < 5000, `fuzzing took ${ms} ms`);
    assert.ok(outcomes.ok > 20 && outcomes.format > 1000, JSON.stringify(outcomes));
  });
});
