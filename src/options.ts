import { OptionError } from './errors.js';

/** Throws if `given` has a key outside `allowed` (a typo must not silently fall back to a default). */
export function rejectUnknownOptions(what: string, given: object, allowed: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (!allowed.includes(key)) {
      throw new OptionError(`${what}: unknown option '${key}'; known options: ${allowed.join(', ')}`);
    }
  }
}

/** An integer >= min (1 unless said). */
export function intOption(what: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new OptionError(`${what}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

export function boolOption(what: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new OptionError(`${what}: ${name} must be true or false, got ${String(value)}`);
  }
  return value;
}

/** A finite number in [min, max) (or [min, max] when `inclusiveMax`). */
export function rangeOption(
  what: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  inclusiveMax = false,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (inclusiveMax ? value <= max : value < max);
  if (!ok) {
    throw new OptionError(
      `${what}: ${name} must be a number in [${min}, ${max}${inclusiveMax ? ']' : ')'}, got ${String(value)}`,
    );
  }
  return value as number;
}

export function choiceOption<T extends string>(
  what: string,
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    throw new OptionError(`${what}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${String(value)}`);
  }
  return value as T;
}
