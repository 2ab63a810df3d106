import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DrainParser, OVERFLOW_EVENT } from '../../../src/data/logs/drain.js';
import { FormatError, OptionError } from '../../../src/errors.js';

test('messages of one event merge into one template; different words or lengths do not', () => {
  const d = new DrainParser({ depth: 4, similarity: 0.5 });
  const ids = [
    'Receiving block <*> src: <*> dest: <*>',
    'Deleting block <*> file <*>',
    'Receiving block <*> src: <*> dest: <*>',
    'Deleting block <*> file <*>',
    'PacketResponder 1 for block <*> terminating',
    'PacketResponder 2 for block <*> terminating',
    'Deleting block <*> file',
  ].map((m) => d.add(m).id);
  assert.deepEqual(ids, ['E1', 'E2', 'E1', 'E2', 'E3', 'E3', 'E4']);
  assert.equal(d.template('E1'), 'Receiving block <*> src: <*> dest: <*>');
  // '1' and '2' differ: 4 of 5 positions equal >= 0.5, so they merge and the position becomes <*>.
  assert.equal(d.template('E3'), 'PacketResponder <*> for block <*> terminating');
  assert.equal(d.template('E4'), 'Deleting block <*> file');
});

test('the similarity threshold decides a merge (logpai similarity: equal positions / length)', () => {
  // 'user alice logged in from x' vs 'user bob logged in from y': 4 of 6 equal = 0.667.
  const loose = new DrainParser({ depth: 4, similarity: 0.6 });
  assert.equal(loose.add('user alice logged in from x').id, loose.add('user bob logged in from y').id);
  assert.equal(loose.template('E1'), 'user <*> logged in from <*>');
  const strict = new DrainParser({ depth: 4, similarity: 0.7 });
  assert.notEqual(strict.add('user alice logged in from x').id, strict.add('user bob logged in from y').id);
});

test('both-masked positions count as equal; template tokens with <*> inside act as patterns', () => {
  const d = new DrainParser({ depth: 4, similarity: 0.9 });
  assert.equal(d.add('onExtend:<*> <*> <*> <*>').id, d.add('onExtend:<*> <*> <*> <*>').id);
  const a = d.add('connection from <*> (<*>) at <*>').id;
  assert.equal(d.add('connection from <*> () at <*>').id, a);
  assert.equal(d.template(a), 'connection from <*> (<*>) at <*>');
});

test('the tree: a leading token with a digit goes down the <*> branch; depth sets how many tokens route', () => {
  const d = new DrainParser({ depth: 4, similarity: 0.5 });
  // First tokens 'x1' and 'x2' both hold digits, so both go to the <*> child and meet in one leaf.
  assert.equal(d.add('x1 a b c').id, d.add('x2 a b c').id);
  assert.equal(d.template('E1'), '<*> a b c');
  // With depth 5 the second token also routes: 'go' and 'stop' never meet, however similar.
  const deep = new DrainParser({ depth: 5, similarity: 0.1 });
  assert.notEqual(deep.add('job go now please').id, deep.add('job stop now please').id);
  const shallow = new DrainParser({ depth: 4, similarity: 0.1 });
  assert.equal(shallow.add('job go now please').id, shallow.add('job stop now please').id);
});

test('maxChildren: past the limit new first tokens share the <*> child', () => {
  const d = new DrainParser({ depth: 4, similarity: 0.5, maxChildren: 3 });
  // 'a' and 'b' get nodes; the third distinct token gets the <*> node, and so does every later one.
  for (const t of ['a', 'b', 'c', 'd']) d.add(`${t} same tail here`);
  assert.deepEqual(d.all().map((c) => c.tokens.join(' ')), ['a same tail here', 'b same tail here', '<*> same tail here']);
});

test('the template cap: an error by default, or the overflow event', () => {
  const d = new DrainParser({ maxClusters: 2 });
  d.add('alpha');
  d.add('beta gamma');
  assert.throws(() => d.add('delta epsilon zeta'), (e: unknown) => e instanceof FormatError && /more than 2 distinct log templates/.test(e.message));
  const o = new DrainParser({ maxClusters: 1, whenFull: 'other' });
  o.add('alpha');
  assert.equal(o.add('beta').id, OVERFLOW_EVENT.id);
  assert.equal(o.add('alpha').id, 'E1');
  assert.equal(o.size, 1);
});

test('bad options are refused', () => {
  assert.throws(() => new DrainParser({ depth: 2 }), OptionError);
  assert.throws(() => new DrainParser({ similarity: 1.5 }), OptionError);
  assert.throws(() => new DrainParser({ maxClusters: 0 }), OptionError);
  assert.throws(() => new DrainParser().template('E9'), /no event E9/);
});
