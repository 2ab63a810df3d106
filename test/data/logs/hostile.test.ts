import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeLog, splitLogLines } from '../../../src/data/logs/lines.js';
import { parseLogLines } from '../../../src/data/logs/parse-log.js';
import { FormatError } from '../../../src/errors.js';

test('binary and invalid UTF-8 are refused with the reason', () => {
  assert.throws(() => decodeLog(new Uint8Array([0x61, 0x0a, 0x00, 0x62]), 'x.log'), (e: unknown) => e instanceof FormatError && /binary \(a NUL byte at offset 2\)/.test(e.message));
  assert.throws(() => decodeLog(new Uint8Array([0x61, 0xff, 0xfe, 0x0a]), 'x.log'), (e: unknown) => e instanceof FormatError && /not valid UTF-8/.test(e.message));
  assert.equal(decodeLog(new TextEncoder().encode('\ufeffok\n'), 'x.log'), 'ok\n');
});

test('line splitting: \\n, \\r\\n and \\r, blank lines dropped, numbers kept', () => {
  assert.deepEqual(splitLogLines('a\r\nb\n\n  \nc\rd\n'), { lines: ['a', 'b', 'c', 'd'], lineNumbers: [1, 2, 5, 5], truncated: 0 });
});

test('a line of megabytes is cut (default) or refused', () => {
  const huge = 'x'.repeat(3 << 20);
  const r = splitLogLines(`short\n${huge}\n`);
  assert.equal(r.truncated, 1);
  assert.equal(r.lines[1]!.length, 16_384);
  assert.throws(() => splitLogLines(`short\n${huge}\n`, { longLines: 'error' }, 'big.log'), (e: unknown) => e instanceof FormatError && /big\.log: line 2 has 3145728 characters/.test(e.message));
  // Parsing the cut line works and is quick: one template.
  const t0 = performance.now();
  const log = parseLogLines(r.lines, r.lineNumbers, { format: '<Content>' });
  assert.equal(log.templates.size, 2);
  assert.ok(performance.now() - t0 < 1000);
});

test('many distinct tokens: the template cap bounds memory with an error or the overflow event', () => {
  // 20,000 lines of random words (no digits, so masking cannot help): each would be a new template.
  let x = 12345;
  const word = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8).toString(36).replace(/\d/g, 'q');
  };
  const lines = Array.from({ length: 20_000 }, () => `${word()} ${word()} ${word()}`);
  const nums = lines.map((_, i) => i + 1);
  assert.throws(() => parseLogLines(lines, nums, { format: '<Content>', drain: { maxClusters: 500 } }), /more than 500 distinct log templates/);
  const log = parseLogLines(lines, nums, { format: '<Content>', drain: { maxClusters: 500, whenFull: 'other' } });
  assert.equal(log.templates.size, 501);
  assert.equal(log.templates.get('E0'), '<overflow: too many templates>');
  assert.ok(log.lines.filter((l) => l.eventId === 'E0').length > 19_000);
});

test('a file where no line fits the given format is an error naming the first line', () => {
  assert.throws(() => parseLogLines(['plain text'], [1], { format: '<Date> <Time> <Level>: <Content>' }), (e: unknown) => e instanceof FormatError && /no line fits the log format/.test(e.message));
});
