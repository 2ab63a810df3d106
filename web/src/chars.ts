// How characters read on screen (pure).

/** A character as it reads on screen (spaces and newlines made visible). */
export function showChar(ch: string): string {
  return ch === ' ' ? '␣' : ch === '\n' ? '↵' : ch === '\t' ? '⇥' : ch;
}
