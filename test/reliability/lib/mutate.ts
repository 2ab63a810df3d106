import type { Prng } from './rng.js';

/** Numbers that break parsers: huge, negative, non-finite, fractional, past 2^53. */
export const HOSTILE_NUMBERS: readonly unknown[] = [
  0, -1, 1.5, -0, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e300, -1e300, Number.MAX_SAFE_INTEGER, 65536, 65537, 1e9,
  NaN, Infinity, -Infinity, '1', '', null, true, [], {}, [1], '1e309', 'NaN',
];

/** Strings that break parsers: empty, huge, control characters, lone surrogates, separators. */
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\0', '\n', '\r\n', '"', '""', ',', ';', '\t', '\ufeff', '\ud800', '\udfff', '\u2028', 'NaN', 'Infinity', '-Infinity',
  '1e309', '-1e309', '0x10', '1_000', '__proto__', 'constructor', 'toString', '../../etc/passwd', '/dev/null', 'x'.repeat(70_000),
  '9'.repeat(400), '-0', '+1', '.5', '5.', '1e-400', '{}', '[]', 'null', 'true', '\u0085', 'ÿ',
];

/** Bytes with one random corruption applied (or several, sometimes). */
export function mutateBytes(rng: Prng, src: Uint8Array): Uint8Array {
  let b: Uint8Array = src.slice();
  const rounds = rng.chance(0.7) ? 1 : rng.int(2, 6);
  for (let r = 0; r < rounds; r++) b = mutateOnce(rng, b);
  return b;
}

function mutateOnce(rng: Prng, b: Uint8Array): Uint8Array {
  const at = () => (b.length === 0 ? 0 : rng.int(0, b.length - 1));
  switch (rng.int(0, 9)) {
    case 0: // truncate
      return b.slice(0, rng.int(0, b.length));
    case 1: // flip one bit
    case 2: {
      if (b.length === 0) return b;
      const i = at();
      b[i] = b[i]! ^ (1 << rng.int(0, 7));
      return b;
    }
    case 3: { // overwrite a byte with an extreme value
      if (b.length === 0) return b;
      b[at()] = rng.pick([0, 0xff, 0x7f, 0x80, 0x22, 0x5c, 0x7b, 0x5b, 0x2c, 0x0a]);
      return b;
    }
    case 4: { // overwrite 4 or 8 bytes with a huge little-endian integer
      if (b.length < 8) return b;
      const i = rng.int(0, b.length - 8);
      const v = rng.pick([0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0x00010000]);
      new DataView(b.buffer, b.byteOffset).setUint32(i, v, true);
      if (rng.chance(0.5)) new DataView(b.buffer, b.byteOffset).setUint32(i + 4, rng.pick([0, 0xffffffff, 0x100, 1]), true);
      return b;
    }
    case 5: { // delete a slice
      const i = at();
      return concatBytes(b.subarray(0, i), b.subarray(Math.min(b.length, i + rng.int(1, 64))));
    }
    case 6: { // duplicate a slice
      const i = at();
      const piece = b.subarray(i, Math.min(b.length, i + rng.int(1, 256)));
      return concatBytes(b.subarray(0, i), piece, piece, b.subarray(i));
    }
    case 7: { // insert random bytes (invalid UTF-8 among them)
      const i = at();
      const junk = Uint8Array.from({ length: rng.int(1, 16) }, () => rng.pick([0xc0, 0xc3, 0xe2, 0xed, 0xf0, 0xf8, 0xfe, 0xff, 0x80, 0xbf, 0x00, rng.int(0, 255)]));
      return concatBytes(b.subarray(0, i), junk, b.subarray(i));
    }
    case 8: // append garbage
      return concatBytes(b, Uint8Array.from({ length: rng.int(1, 512) }, () => rng.int(0, 255)));
    default: { // replace everything by random bytes of the same size
      return Uint8Array.from({ length: Math.min(b.length, 4096) }, () => rng.int(0, 255));
    }
  }
}

/** Text with one random corruption: truncation, huge or empty lines, hostile tokens, bad characters. */
export function mutateText(rng: Prng, s: string): string {
  const i = s.length === 0 ? 0 : rng.int(0, s.length);
  switch (rng.int(0, 8)) {
    case 0:
      return s.slice(0, i);
    case 1:
      return s.slice(0, i) + rng.pick(HOSTILE_STRINGS) + s.slice(i);
    case 2:
      return s.slice(0, i) + '\n'.repeat(rng.int(1, 2000)) + s.slice(i);
    case 3:
      return s.slice(0, i) + 'a,'.repeat(rng.int(1, 20_000)) + s.slice(i);
    case 4: // delete a run
      return s.slice(0, i) + s.slice(i + rng.int(1, 50));
    case 5: // replace a number by a hostile one
      return s.replace(/-?\d+(\.\d+)?/, String(rng.pick(HOSTILE_NUMBERS)));
    case 6: // duplicate the text (bigger input)
      return s + s;
    case 7: // swap a character for a quote or separator
      return s.slice(0, i) + rng.pick(['"', ',', ';', '\t', '\r', '[', '{', ']', '}', ':']) + s.slice(i + 1);
    default:
      return s.slice(0, i) + String.fromCharCode(rng.int(0, 0xffff)) + s.slice(i);
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A JSON-like value with a random part replaced by a hostile one (or deepened, or cut). */
export function mutateJson(rng: Prng, v: unknown, depth = 0): unknown {
  if (depth > 0 && rng.chance(0.15)) return hostileValue(rng);
  if (Array.isArray(v)) {
    if (v.length === 0 || rng.chance(0.1)) return rng.chance(0.5) ? [] : [...v, hostileValue(rng)];
    const copy = v.slice();
    const k = rng.int(0, copy.length - 1);
    copy[k] = mutateJson(rng, copy[k], depth + 1);
    return copy;
  }
  if (typeof v === 'object' && v !== null) {
    const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(copy);
    if (keys.length === 0 || rng.chance(0.08)) {
      copy[rng.pick(['__proto__', 'constructor', 'extra', 'toString'])] = hostileValue(rng);
      return copy;
    }
    const k = rng.pick(keys);
    if (rng.chance(0.12)) delete copy[k];
    else copy[k] = mutateJson(rng, copy[k], depth + 1);
    return copy;
  }
  return hostileValue(rng);
}

function hostileValue(rng: Prng): unknown {
  switch (rng.int(0, 4)) {
    case 0:
      return rng.pick(HOSTILE_NUMBERS);
    case 1:
      return rng.pick(HOSTILE_STRINGS);
    case 2: { // deep nesting
      let x: unknown = 1;
      for (let i = rng.int(10, 3000); i > 0; i--) x = rng.chance(0.5) ? [x] : { a: x };
      return x;
    }
    case 3:
      return Array.from({ length: rng.int(0, 5000) }, () => rng.int(-5, 5));
    default:
      return rng.chance(0.5) ? { nested: rng.pick(HOSTILE_NUMBERS) } : rng.pick(HOSTILE_STRINGS);
  }
}
