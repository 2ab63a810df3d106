import { InvalidArgumentError } from 'commander';

/** Parses '90s', '10m', '1.5h' or a plain number of seconds into milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`'${value}' is not a duration; use e.g. 90s, 10m or 1h`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  if (!(ms > 0)) throw new InvalidArgumentError(`'${value}' must be a positive duration`);
  return ms;
}

/** A positive integer option. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

/** A non-negative integer option. */
export function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative integer`);
  return n;
}

/** A finite number option, optionally within [min, max]. */
export function parseNumberIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`'${value}' must be a number between ${min} and ${max}`);
    }
    return n;
  };
}

/** A fraction in [0, 1). */
export const parseFraction = (value: string): number => {
  const n = parseNumberIn(0, 1)(value);
  if (n >= 1) throw new InvalidArgumentError(`'${value}' must be below 1`);
  return n;
};

/** Comma-separated names. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
