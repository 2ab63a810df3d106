// Checks the training form of the memory race before anything starts (pure, Node-testable).

export interface RaceInputs {
  seqLen: number;
  hidden: number;
  lr: number;
  steps: number;
}

export interface FieldError {
  field: keyof RaceInputs;
  message: string;
}

const LIMITS = {
  seqLen: { min: 4, max: 200, int: true, what: 'Sequence length', why: 'a marked symbol, at least two distractors and the query' },
  hidden: { min: 2, max: 256, int: true, what: 'Hidden size', why: 'units per model' },
  steps: { min: 10, max: 100000, int: true, what: 'Steps', why: 'training updates; 10 or more so the curves mean something' },
  lr: { min: 1e-5, max: 1, int: false, what: 'Learning rate', why: 'Adam step size; 0.001 to 0.03 work well here' },
} as const;

/**
 * Parses the form's raw strings; returns the settings, or one clear message per bad field.
 * @example validateRace({ seqLen: '2', hidden: '32', lr: '0.01', steps: '800' })
 *   -> { errors: [{ field: 'seqLen', message: 'Sequence length must be a whole number from 4 to 200 (…), got 2' }] }
 */
export function validateRace(raw: Record<keyof RaceInputs, string>): { settings: RaceInputs } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const out: Partial<RaceInputs> = {};
  for (const field of ['seqLen', 'hidden', 'lr', 'steps'] as const) {
    const lim = LIMITS[field];
    const text = raw[field].trim();
    const v = Number(text);
    const range = `${lim.int ? 'a whole number' : 'a number'} from ${lim.min} to ${lim.max} (${lim.why})`;
    if (text === '' || !Number.isFinite(v)) errors.push({ field, message: `${lim.what} must be ${range}, got '${text}'` });
    else if (v < lim.min || v > lim.max || (lim.int && !Number.isInteger(v))) errors.push({ field, message: `${lim.what} must be ${range}, got ${text}` });
    else out[field] = v;
  }
  return errors.length > 0 ? { errors } : { settings: out as RaceInputs };
}
