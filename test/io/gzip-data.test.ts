import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../src/errors.js';
import { gunzipIfGzip, isGzip, readMaybeGzip } from '../../src/io/gzip-data.js';

const text = Buffer.from('{"session": "a", "events": ["x", "y"]}\n'.repeat(2000));

test('gunzipIfGzip: gzipped bytes come back decompressed, other bytes untouched; a hostile expansion is refused by size', () => {
  assert.ok(isGzip(gzipSync(text)) && !isGzip(text) && !isGzip(new Uint8Array([0x1f])));
  assert.deepEqual(Buffer.from(gunzipIfGzip(gzipSync(text), 'a.gz')), text);
  assert.equal(gunzipIfGzip(text, 'a.jsonl'), text);
  const bomb = gzipSync(Buffer.alloc(1_000_000));
  assert.throws(() => gunzipIfGzip(bomb, 'bomb.gz', 1000), (e) => e instanceof FormatError && /bomb\.gz: expands to more than 1000 bytes/.test(e.message));
  assert.throws(() => gunzipIfGzip(gzipSync(text).subarray(0, 40), 'cut.gz'), (e) => e instanceof FormatError && /cut\.gz: starts as a gzip file but cannot be decompressed .*truncated/.test(e.message));
});

test('readMaybeGzip: streams a gzipped or plain file to the same bytes; a truncated archive is a FormatError naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'recur-gz-'));
  const collect = async (path: string) => {
    const parts: Uint8Array[] = [];
    for await (const chunk of readMaybeGzip(path)) parts.push(chunk);
    return Buffer.concat(parts);
  };
  writeFileSync(join(dir, 'plain.jsonl'), text);
  writeFileSync(join(dir, 'zipped.jsonl.gz'), gzipSync(text));
  writeFileSync(join(dir, 'cut.jsonl.gz'), gzipSync(text).subarray(0, 40));
  writeFileSync(join(dir, 'empty'), '');
  assert.deepEqual(await collect(join(dir, 'plain.jsonl')), text);
  assert.deepEqual(await collect(join(dir, 'zipped.jsonl.gz')), text);
  assert.equal((await collect(join(dir, 'empty'))).length, 0);
  await assert.rejects(collect(join(dir, 'cut.jsonl.gz')), (e) => e instanceof FormatError && /cut\.jsonl\.gz: starts as a gzip file but cannot be decompressed/.test(e.message));
});
