import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSessionsJsonl, sessionsById, windowsByCount, windowsByTime } from '../../../src/data/logs/sessions.js';
import { FormatError, OptionError } from '../../../src/errors.js';

test('sessions by id regex: in order of first appearance, a line with two ids goes to both, none to none', () => {
  const lines = [
    { text: 'allocate blk_1', eventId: 'E1' },
    { text: 'nothing here', eventId: 'E9' },
    { text: 'replicate blk_1 to blk_-2', eventId: 'E2' },
    { text: 'blk_-2 blk_-2 twice', eventId: 'E3' },
    { text: 'delete blk_1', eventId: 'E4' },
  ];
  assert.deepEqual(sessionsById(lines, 'blk_-?\\d+'), [
    { session: 'blk_1', events: ['E1', 'E2', 'E4'] },
    { session: 'blk_-2', events: ['E2', 'E3'] },
  ]);
  assert.throws(() => sessionsById(lines, '('), (e: unknown) => e instanceof OptionError && /not a valid regular expression/.test(e.message));
  assert.throws(() => sessionsById(lines, 'x*'), /matches the empty string/);
  assert.throws(() => sessionsById(lines, 'blk_-?\\d+', 1), (e: unknown) => e instanceof FormatError && /more than 1 distinct session ids/.test(e.message));
});

test('windows of lines: fixed and sliding', () => {
  const ev = ['a', 'b', 'c', 'd', 'e'];
  assert.deepEqual(windowsByCount(ev, 2).map((w) => w.events), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.deepEqual(windowsByCount(ev, 3, 1).map((w) => [w.session, w.events.join('')]), [['w0', 'abc'], ['w1', 'bcd'], ['w2', 'cde']]);
  assert.deepEqual(windowsByCount([], 3), []);
  assert.throws(() => windowsByCount(ev, 0), OptionError);
});

test('windows of time [start, start + width): fixed and sliding, empty stretches skipped', () => {
  const ev = ['a', 'b', 'c', 'd'];
  const t = [0, 500, 1500, 10_200];
  assert.deepEqual(windowsByTime(ev, t, 1000).map((w) => [w.session, w.events.join('')]), [['t0', 'ab'], ['t1000', 'c'], ['t10000', 'd']]);
  assert.deepEqual(windowsByTime(ev, t, 1000, 500).map((w) => [w.session, w.events.join('')]), [['t0', 'ab'], ['t500', 'b'], ['t1000', 'c'], ['t1500', 'c'], ['t9500', 'd'], ['t10000', 'd']]);
  assert.throws(() => windowsByTime(ev, [0, 2, 1, 3], 10), /times go back at event 2/);
  assert.throws(() => windowsByTime(ev, t, 0), OptionError);
});

test('JSONL sessions: read with labels, malformed lines named by number', () => {
  const ok = '{"session":"b1","events":["E1","E2"],"label":"normal"}\n\n{"session":2,"events":[],"label":"anomaly"}\n{"session":"b3","events":["x"]}\n';
  assert.deepEqual(parseSessionsJsonl(ok, 's.jsonl'), [
    { session: 'b1', events: ['E1', 'E2'], label: 'normal' },
    { session: '2', events: [], label: 'anomaly' },
    { session: 'b3', events: ['x'] },
  ]);
  const bad: Array<[string, RegExp]> = [
    ['{"session":"a","events":[]}\n{"session":"b",', /s\.jsonl: line 2 is not valid JSON/],
    ['[1,2]', /line 1: expected an object/],
    ['{"events":[]}', /line 1: "session" must be/],
    ['{"session":"a","events":"E1"}', /"events" must be an array/],
    ['{"session":"a","events":["E1",{}]}', /event 1 is \{\}/],
    ['{"session":"a","events":[],"label":"bad"}', /"label" must be "normal" or "anomaly"/],
    ['\n  \n', /no sessions/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseSessionsJsonl(text, 's.jsonl'), (e: unknown) => e instanceof FormatError && re.test(e.message), text);
});
