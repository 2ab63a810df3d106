/**
 * A small strict JSON parser for untrusted headers (safetensors). `JSON.parse` is not enough
 * there: it silently keeps the last of duplicate keys, turns `1e2`, `1.0` and 2^64 into
 * plausible numbers, and treats `__proto__` specially. This parser reports duplicates, keeps
 * each number's source text, bounds nesting depth (no stack overflow on `[[[[...`) and
 * returns objects as ordered entry lists. Errors are thrown as `JsonSyntaxError` with the
 * character position; callers wrap them into their own error type.
 */

export type JsonValue =
  | { kind: 'object'; entries: Array<[string, JsonValue]> }
  | { kind: 'array'; items: JsonValue[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at character ${position}`);
  }
}

const MAX_DEPTH = 64;
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// A string without escapes or control characters: the common case, matched in one step.
const PLAIN_STRING_RE = /"([^"\\\u0000-\u001f]*)"/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses one JSON value filling `text` (surrounding whitespace allowed, nothing else). */
export function parseStrictJson(text: string): JsonValue {
  let pos = 0;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, pos);
  };
  const skipWs = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const expect = (ch: string): void => {
    if (text[pos] !== ch) fail(`expected '${ch}' but found ${describe(text, pos)}`);
    pos++;
  };

  const parseString = (): string => {
    PLAIN_STRING_RE.lastIndex = pos;
    const plain = PLAIN_STRING_RE.exec(text);
    if (plain !== null) {
      pos += plain[0].length;
      return plain[1]!;
    }
    expect('"');
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('control character inside a string');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(start, pos);
      const e = text[pos + 1];
      if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else if (e !== undefined && e in ESCAPES) {
        out += ESCAPES[e]!;
        pos += 2;
      } else {
        fail('bad escape');
      }
      start = pos;
    }
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    skipWs();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: Array<[string, JsonValue]> = [];
      const seen = new Set<string>();
      skipWs();
      if (text[pos] === '}') {
        pos++;
        return { kind: 'object', entries };
      }
      for (;;) {
        skipWs();
        const keyPos = pos;
        const key = parseString();
        if (seen.has(key)) {
          pos = keyPos;
          fail(`duplicate key ${JSON.stringify(key)}`);
        }
        seen.add(key);
        skipWs();
        expect(':');
        entries.push([key, parseValue(depth + 1)]);
        skipWs();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return { kind: 'object', entries };
        } else fail(`expected ',' or '}' but found ${describe(text, pos)}`);
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonValue[] = [];
      skipWs();
      if (text[pos] === ']') {
        pos++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skipWs();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return { kind: 'array', items };
        } else fail(`expected ',' or ']' but found ${describe(text, pos)}`);
      }
    }
    if (c === '"') return { kind: 'string', value: parseString() };
    if (text.startsWith('true', pos)) return (pos += 4), { kind: 'boolean', value: true };
    if (text.startsWith('false', pos)) return (pos += 5), { kind: 'boolean', value: false };
    if (text.startsWith('null', pos)) return (pos += 4), { kind: 'null' };
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(text);
    if (m === null) return fail(`unexpected ${describe(text, pos)}`);
    pos += m[0].length;
    return { kind: 'number', value: Number(m[0]), raw: m[0] };
  };

  const value = parseValue(0);
  skipWs();
  if (pos !== text.length) fail(`unexpected ${describe(text, pos)} after the value`);
  return value;
}

function describe(text: string, pos: number): string {
  if (pos >= text.length) return 'end of text';
  return JSON.stringify(text.slice(pos, pos + 12));
}
