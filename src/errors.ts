/**
 * recur's error classes. Each kind has a stable `code` so callers (and the CLI) can
 * branch on it without parsing messages; the message names the argument, what was
 * expected and what was given.
 */
export class RecurError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A tensor or array whose shape does not fit what the operation needs. */
export class ShapeError extends RecurError {
  constructor(message: string) {
    super('E_SHAPE', message);
  }
}

/** An unknown option, or an option value outside its allowed range. */
export class OptionError extends RecurError {
  constructor(message: string) {
    super('E_OPTION', message);
  }
}

/** A state dict with a missing, unexpected or mis-shaped tensor. */
export class StateDictError extends RecurError {
  constructor(message: string) {
    super('E_STATE_DICT', message);
  }
}

/** A file or record that cannot be parsed: truncated, corrupted or of the wrong format. */
export class FormatError extends RecurError {
  constructor(message: string) {
    super('E_FORMAT', message);
  }
}

/** A value that is NaN or infinite where a finite number is required. */
export class NonFiniteError extends RecurError {
  constructor(message: string) {
    super('E_NON_FINITE', message);
  }
}

/** A file or directory that cannot be read or written: missing, a directory where a file is expected, no permission. */
export class IoError extends RecurError {
  constructor(message: string) {
    super('E_IO', message);
  }
}
