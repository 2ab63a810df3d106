import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, FormatError, StreamBatcher, Vocabulary } from '../../src/index.js';

const formatError = (re: RegExp) => (e: unknown) => e instanceof FormatError && re.test(e.message);
const utf8 = (s: string) => new TextEncoder().encode(s);

test('decodeText: UTF-8 text decoded, BOM stripped', () => {
  assert.equal(decodeText(utf8('héllo\nwörld'), 'a.txt'), 'héllo\nwörld');
  assert.equal(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'b.txt'), 'hi');
});

test('decodeText: empty, white space only, binary and invalid UTF-8 are refused', () => {
  assert.throws(() => decodeText(new Uint8Array(0), 'e.txt'), formatError(/e\.txt: the file is empty/));
  assert.throws(() => decodeText(utf8(' \n\t\r\n'), 'w.txt'), formatError(/w\.txt: contains only white space/));
  assert.throws(() => decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0x20, 0x0a]), 'bw.txt'), formatError(/only white space/));
  assert.throws(() => decodeText(Uint8Array.from([0x68, 0x00, 0x69]), 'n.bin'), formatError(/n\.bin: looks binary \(it contains NUL bytes\)/));
  assert.throws(() => decodeText(Uint8Array.from([0x68, 0xc3, 0x28, 0x69]), 'l.txt'), formatError(/l\.txt: is not valid UTF-8/));
  assert.throws(() => decodeText(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]), 'latin1.txt'), formatError(/not valid UTF-8/));
});

test('Vocabulary: sorted distinct code points; encode/decode round trip; unknown -> most frequent', () => {
  const text = 'abracadabra 😀!';
  const v = Vocabulary.fromText(text);
  assert.deepEqual(v.chars, [' ', '!', 'a', 'b', 'c', 'd', 'r', '😀']);
  assert.equal(v.size, 8);
  assert.equal(v.unknown, 2); // 'a' occurs 5 times
  assert.equal(v.decode(v.encode(text)), text);
  assert.deepEqual([...v.encode('zab')], [2, 2, 3]);
  assert.equal(v.decode(v.encode('xyz')), 'aaa');
  // ties: the first in sorted order
  assert.equal(Vocabulary.fromText('bbaa').unknown, 0);
  assert.throws(() => new Vocabulary([]), /no characters/);
  assert.throws(() => new Vocabulary(['a', 'a']), /duplicate/);
});

test('StreamBatcher: B contiguous streams, targets are inputs shifted by one, windows cover each stream exactly', () => {
  const ids = Int32Array.from({ length: 23 }, (_, i) => i);
  const B = 3;
  const sb = new StreamBatcher(ids, B, 3);
  assert.equal(sb.streamLength, 7); // floor(22 / 3)
  assert.equal(sb.windows(), 3);
  const seen: number[][] = Array.from({ length: B }, () => []);
  const lengths: number[] = [];
  for (let k = 0; k < sb.windows(); k++) {
    const b = sb.batch(k);
    assert.equal(b.B, B);
    lengths.push(b.T);
    assert.equal(b.inputs.length, b.T * B);
    for (let t = 0; t < b.T; t++) {
      for (let s = 0; s < B; s++) {
        assert.equal(b.targets[t * B + s], b.inputs[t * B + s]! + 1, `window ${k} t ${t} stream ${s}`);
        seen[s]!.push(b.inputs[t * B + s]!);
      }
    }
  }
  assert.deepEqual(lengths, [3, 3, 1]); // the last window is shorter
  assert.deepEqual(seen, [
    [0, 1, 2, 3, 4, 5, 6],
    [7, 8, 9, 10, 11, 12, 13],
    [14, 15, 16, 17, 18, 19, 20],
  ]);
});

test('StreamBatcher: the last target is the last id when the text divides evenly', () => {
  const ids = Int32Array.from({ length: 9 }, (_, i) => 100 + i);
  const sb = new StreamBatcher(ids, 2, 10);
  assert.equal(sb.windows(), 1);
  const b = sb.batch(0);
  assert.equal(b.T, 4);
  assert.deepEqual([...b.inputs], [100, 104, 101, 105, 102, 106, 103, 107]);
  assert.deepEqual([...b.targets], [101, 105, 102, 106, 103, 107, 104, 108]);
});

test('StreamBatcher: a text too short for the streams is an error', () => {
  assert.throws(() => new StreamBatcher(new Int32Array(8), 4, 5), formatError(/text of 8 characters is too short for 4 streams; use a smaller batch/));
  assert.doesNotThrow(() => new StreamBatcher(new Int32Array(9), 4, 5));
});
