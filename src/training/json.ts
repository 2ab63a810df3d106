import { StateDictError } from '../errors.js';

/** A value that survives JSON.stringify / JSON.parse unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * JSON has no Infinity or NaN (JSON.stringify writes null), but a "best so far" starts at
 * +-Infinity, so non-finite numbers are saved as strings.
 */
export function encodeNumber(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

export function decodeNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (v === 'NaN') return NaN;
  throw new StateDictError(`${what}: expected a number, got ${JSON.stringify(v)}`);
}
