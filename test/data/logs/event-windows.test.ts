import assert from 'node:assert/strict';
import { test } from 'node:test';
import { END_ID, EventVocabulary, nextEventWindows, PAD_ID, START_ID, timeMajor, UNKNOWN_ID } from '../../../src/data/logs/event-windows.js';
import { LineSplitter, SessionCloser, StreamDecoder, type CloseReason } from '../../../src/data/logs/stream-sessions.js';
import { FormatError } from '../../../src/errors.js';

test('EventVocabulary: reserved ids, events in order of first appearance, unknown events', () => {
  const v = EventVocabulary.fit([['open', 'read'], ['read', 'close']]);
  assert.deepEqual([PAD_ID, UNKNOWN_ID, START_ID, END_ID], [0, 1, 2, 3]);
  assert.equal(v.size, 7);
  assert.deepEqual([...v.encodeSession(['open', 'write', 'close'])], [START_ID, 4, UNKNOWN_ID, 6, END_ID]);
  assert.deepEqual([0, 2, 3, 5].map((i) => v.name(i)), ['<pad>', '<start>', '<end>', 'read']);
  assert.throws(() => new EventVocabulary(['a', 'a']), FormatError);
});

test('nextEventWindows: h previous ids, left-padded, START and END included (h = 3 on a hand-made session)', () => {
  // START a b c END -> 4 examples: a, b, c, END.
  const s = Int32Array.of(START_ID, 4, 5, 6, END_ID);
  const w = nextEventWindows([s, Int32Array.of(START_ID, END_ID)], 3);
  assert.equal(w.count, 5);
  assert.deepEqual([...w.targets], [4, 5, 6, END_ID, END_ID]);
  assert.deepEqual([...w.contexts], [
    PAD_ID, PAD_ID, START_ID, // -> a
    PAD_ID, START_ID, 4, //      -> b
    START_ID, 4, 5, //           -> c
    4, 5, 6, //                  -> END: only the last 3 events
    PAD_ID, PAD_ID, START_ID, // the empty session: START -> END
  ]);
  // Time-major [h, B] for examples 3 and 0.
  assert.deepEqual([...timeMajor(w.contexts, 3, [3, 0])], [4, PAD_ID, 5, PAD_ID, 6, START_ID]);
  assert.throws(() => nextEventWindows([s], 0), /positive integer/);
});

test('LineSplitter: lines across chunks, \\r\\n and \\r, blank lines skipped, a line without end kept bounded', () => {
  const s = new LineSplitter(5);
  assert.deepEqual(s.push('ab'), []);
  assert.deepEqual(s.push('c\r\n\nde\rfg'), ['abc', 'de']);
  assert.deepEqual(s.end(), ['fg']);
  // 10 MB with no newline: the partial line never holds more than 5 characters.
  const big = new LineSplitter(5);
  for (let i = 0; i < 100; i++) assert.deepEqual(big.push('x'.repeat(100_000)), []);
  assert.deepEqual(big.push('\nok\n'), ['xxxxx', 'ok']);
  assert.equal(big.truncated, 1);
});

test('StreamDecoder: UTF-8 split across chunks, NUL bytes and invalid UTF-8 refused with the offset', () => {
  const bytes = new TextEncoder().encode('é\n');
  const d = new StreamDecoder('in');
  assert.equal(d.push(bytes.subarray(0, 1)) + d.push(bytes.subarray(1)) + d.end(), 'é\n');
  assert.throws(() => new StreamDecoder('in').push(Uint8Array.of(65, 0)), /in: looks binary \(a NUL byte at offset 1\)/);
  assert.throws(() => new StreamDecoder('in').push(Uint8Array.of(0xff, 0x41)), /not valid UTF-8/);
});

test('SessionCloser: closes on the end event, after idle lines, by eviction past maxOpen, and at the end of input', () => {
  const closed: Array<[string, string[], CloseReason]> = [];
  const c = new SessionCloser<string[]>({ open: () => [], onClose: (id, s, why) => closed.push([id, s, why]), idle: 2, maxOpen: 2 });
  c.event('a', (s) => s.push('E1'));
  c.tick();
  c.event('b', (s) => s.push('E1'));
  c.tick();
  c.event('b', (s) => s.push('E9'), true); // b ends on its end event
  assert.deepEqual(closed, [['b', ['E1', 'E9'], 'end-event']]);
  c.tick(); // line 3: a's last event was at line 0, more than 2 lines ago
  assert.deepEqual(closed[1], ['a', ['E1'], 'idle']);
  c.event('x', (s) => s.push('1'));
  c.event('y', (s) => s.push('2'));
  c.event('x', (s) => s.push('3')); // x is now the most recently active
  c.event('z', (s) => s.push('4')); // a third open session evicts y, the idlest
  assert.deepEqual(closed[2], ['y', ['2'], 'evicted']);
  assert.equal(c.open, 2);
  c.closeAll();
  assert.deepEqual(closed.slice(3), [['x', ['1', '3'], 'input-end'], ['z', ['4'], 'input-end']]);
});
