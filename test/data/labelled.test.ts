import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, parseLabelled, tokenize, TokenVocabulary } from '../../src/index.js';

const formatError = (re: RegExp) => (e: unknown) => e instanceof FormatError && re.test(e.message);

test('parseLabelled: a JSON array of records', () => {
  const r = parseLabelled('  [{"text": "good film", "label": "pos"}, {"text": "bad", "label": 0}]', 'a.json');
  assert.deepEqual(r, [
    { text: 'good film', label: 'pos' },
    { text: 'bad', label: '0' },
  ]);
});

test('parseLabelled: JSONL with a blank and a trailing empty record skipped', () => {
  const r = parseLabelled('{"sentence": "hi there", "class": "a"}\r\n\n{"sentence": "bye", "class": "b"}\n{}\n', 'b.jsonl');
  assert.deepEqual(r, [
    { text: 'hi there', label: 'a' },
    { text: 'bye', label: 'b' },
  ]);
});

test('parseLabelled: a byte-order mark before JSONL, JSON or CSV is skipped', () => {
  const expected = [
    { text: 'a', label: 'x' },
    { text: 'b', label: 'y' },
  ];
  assert.deepEqual(parseLabelled('\ufeff{"text": "a", "label": "x"}\n{"text": "b", "label": "y"}\n', 'bom.jsonl'), expected);
  assert.deepEqual(parseLabelled('\ufeff[{"text": "a", "label": "x"}, {"text": "b", "label": "y"}]', 'bom.json'), expected);
  assert.deepEqual(parseLabelled('\ufefftext,label\na,x\nb,y\n', 'bom.csv'), expected);
});

test('parseLabelled: CSV with text/label, sentence/class and custom field names', () => {
  assert.deepEqual(parseLabelled('id,text,label\n1,"yes, really",y\n2,no,n\n', 'c.csv'), [
    { text: 'yes, really', label: 'y' },
    { text: 'no', label: 'n' },
  ]);
  assert.deepEqual(parseLabelled('class,sentence\na,first one\nb,second\n', 'd.csv'), [
    { text: 'first one', label: 'a' },
    { text: 'second', label: 'b' },
  ]);
  assert.deepEqual(parseLabelled('review,stars\ngreat,5\npoor,1\n,\n', 'e.csv', { input: 'review', label: 'stars' }), [
    { text: 'great', label: '5' },
    { text: 'poor', label: '1' },
  ]);
  assert.deepEqual(parseLabelled('[{"body": "x", "tag": "t1"}, {"body": "y", "tag": "t2"}]', 'f.json', { input: 'body', label: 'tag' }), [
    { text: 'x', label: 't1' },
    { text: 'y', label: 't2' },
  ]);
  assert.throws(() => parseLabelled('review,stars\ngreat,5\n', 'e.csv'), formatError(/e\.csv: no column 'text'; the columns are: 'review', 'stars'/));
});

test('parseLabelled: numeric sequences from JSON arrays and CSV space-separated numbers', () => {
  const j = parseLabelled('[{"sequence": [1, 2.5, -3], "label": "up"}, {"sequence": ["4", 5], "label": "down"}]', 'n.json');
  assert.deepEqual(j, [
    { steps: [[1], [2.5], [-3]], label: 'up' },
    { steps: [[4], [5]], label: 'down' },
  ]);
  const j2 = parseLabelled('{"sequence": [[1, 2], [3, 4]], "label": "a"}\n{"sequence": [[5, 6]], "label": "b"}\n', 'n.jsonl');
  assert.deepEqual(j2, [
    { steps: [[1, 2], [3, 4]], label: 'a' },
    { steps: [[5, 6]], label: 'b' },
  ]);
  const c = parseLabelled('sequence,label\n"0.5 1 1e2",a\n  -1   2  ,b\n', 'n.csv');
  assert.deepEqual(c, [
    { steps: [[0.5], [1], [100]], label: 'a' },
    { steps: [[-1], [2]], label: 'b' },
  ]);
});

test('parseLabelled: a text that looks numeric stays a text in a file of texts', () => {
  const r = parseLabelled('text,label\ngreat film,pos\n4 5,pos\nawful,neg\n', 't.csv');
  assert.deepEqual(r[1], { text: '4 5', label: 'pos' });
  assert.ok(r.every((e) => e.text !== undefined && e.steps === undefined));
  // in a file of number strings, a one-step sequence is a sequence too
  assert.deepEqual(parseLabelled('sequence,label\n1 2,a\n7,b\n', 'n.csv')[1], { steps: [[7]], label: 'b' });
});

test('parseLabelled: records of another kind or width than the first are errors naming them', () => {
  assert.throws(
    () => parseLabelled('[{"sequence": [1, 2], "label": "a"}, {"sequence": [[1, 2], [3, 4]], "label": "b"}]', 'w.json'),
    formatError(/w\.json: record 2 holds a sequence of 2 features per step, but the first record holds a sequence of 1 feature per step/),
  );
  assert.throws(
    () => parseLabelled('{"text": "hello", "label": "a"}\n{"text": [1, 2], "label": "b"}\n', 'k.jsonl'),
    formatError(/k\.jsonl: record 2 holds a sequence of 1 feature per step, but the first record holds a text/),
  );
  assert.throws(() => parseLabelled('[{"sequence": [[], []], "label": "a"}]', 'e.json'), formatError(/record 1: the sequence must hold finite numbers/));
});

test('parseLabelled: bad numeric sequences are errors naming the record', () => {
  assert.throws(() => parseLabelled('[{"sequence": [], "label": "a"}]', 's.json'), formatError(/s\.json: record 1: the sequence is empty/));
  assert.throws(() => parseLabelled('[{"sequence": [1], "label": "a"}, {"sequence": [[1, 2], [3]], "label": "b"}]', 's.json'), formatError(/record 2: the sequence must hold finite numbers, 2 per step/));
  assert.throws(() => parseLabelled('[{"sequence": [1], "label": "a"}, {"sequence": [1, null, 3], "label": "b"}]', 's.json'), formatError(/record 2: the sequence must hold finite numbers/));
  assert.throws(() => parseLabelled('[{"sequence": [1], "label": "a"}, {"sequence": [1, "x"], "label": "b"}]', 's.json'), formatError(/record 2/));
  assert.throws(() => parseLabelled('[{"sequence": [1], "label": "a"}, {"sequence": 5, "label": "b"}]', 's.json'), formatError(/record 2: the input must be a text or an array of numbers/));
});

test('parseLabelled: a missing label or input is an error naming the record', () => {
  assert.throws(() => parseLabelled('[{"text": "a", "label": "x"}, {"text": "b"}]', 'm.json'), formatError(/m\.json: record 2 has no label \(tried label, class, target, y\)/));
  assert.throws(() => parseLabelled('{"text": "a", "label": "x"}\n{"text": "b", "label": ""}\n', 'm.jsonl'), formatError(/record 2 has no label/));
  assert.throws(() => parseLabelled('text,label\na,x\nb,\n', 'm.csv'), formatError(/m\.csv: record 2 has no label/));
  assert.throws(() => parseLabelled('[{"text": "a", "label": "x"}, {"label": "y"}]', 'm.json'), formatError(/record 2 has no input field/));
  assert.throws(() => parseLabelled('[{"text": "a", "label": "x"}, 7]', 'm.json'), formatError(/record 2 is not an object/));
});

test('parseLabelled: one class only, no records, invalid JSON are errors', () => {
  assert.throws(() => parseLabelled('text,label\na,x\nb,x\n', 'o.csv'), formatError(/o\.csv: every record has the label 'x'; a classifier needs at least two classes/));
  assert.throws(() => parseLabelled('[]', 'z.json'), formatError(/z\.json: no labelled records found/));
  assert.throws(() => parseLabelled('[{"text": "a",]', 'bad.json'), formatError(/bad\.json: not valid JSON/));
  assert.throws(() => parseLabelled('{"text": "a", "label": "x"}\n\n{"text": "b" "label": "y"}\n', 'bad.jsonl'), formatError(/bad\.jsonl: line 3 is not valid JSON/));
});

test('tokenize: characters are code points', () => {
  assert.deepEqual(tokenize('aé😀b', 'char'), ['a', 'é', '😀', 'b']);
  assert.deepEqual(tokenize('', 'char'), []);
});

test('tokenize: words lower-cased, punctuation apart, apostrophes inside words, unicode letters', () => {
  assert.deepEqual(tokenize("Don't stop, it's GREAT!!", 'word'), ["don't", 'stop', ',', "it's", 'great', '!', '!']);
  assert.deepEqual(tokenize('Ça coûte 25€ à Zürich.', 'word'), ['ça', 'coûte', '25', '€', 'à', 'zürich', '.']);
  assert.deepEqual(tokenize('Привет, мир', 'word'), ['привет', ',', 'мир']);
  // quotes around a word are punctuation, not part of it
  assert.deepEqual(tokenize("'hello' he said", 'word'), ["'", 'hello', "'", 'he', 'said']);
  // combining marks belong to their word (decomposed accents, Devanagari vowel signs)
  assert.deepEqual(tokenize('cafe\u0301 ok', 'word'), ['cafe\u0301', 'ok']);
  assert.deepEqual(tokenize('हिन्दी भाषा', 'word'), ['हिन्दी', 'भाषा']);
  assert.deepEqual(tokenize('It\u2019s rock \u2018n\u2019 roll', 'word'), ['it\u2019s', 'rock', '\u2018', 'n', '\u2019', 'roll']);
  assert.deepEqual(tokenize('  \n', 'word'), []);
});

test('TokenVocabulary: <unk> first, then by count, ties alphabetical; minCount and maxSize; unknowns -> 0', () => {
  const v = TokenVocabulary.fit([['b', 'a', 'c', 'b'], ['c', 'b', 'd', 'a']], 20000, 1);
  assert.deepEqual(v.tokens, ['<unk>', 'b', 'a', 'c', 'd']);
  assert.equal(v.size, 5);
  assert.deepEqual(v.encode(['a', 'zz', 'd', 'b']), [2, 0, 4, 1]);
  assert.deepEqual(TokenVocabulary.fit([['b', 'a', 'c', 'b'], ['c', 'b', 'd', 'a']], 20000, 2).tokens, ['<unk>', 'b', 'a', 'c']);
  assert.deepEqual(TokenVocabulary.fit([['b', 'a', 'c', 'b'], ['c', 'b', 'd', 'a']], 2).tokens, ['<unk>', 'b', 'a']);
  // order is by count, not by first appearance
  assert.deepEqual(TokenVocabulary.fit([['d', 'c', 'c', 'a', 'b', 'b', 'b']]).tokens, ['<unk>', 'b', 'c', 'a', 'd']);
  // rebuilt from saved tokens, ids are the same
  assert.deepEqual(new TokenVocabulary(v.tokens.slice(1)).encode(['d', 'c']), v.encode(['d', 'c']));
});
