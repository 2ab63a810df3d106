// The text as read, coloured by one unit's activation (as in Karpathy's cell figures) or by
// the model's surprise at each next character; the current character outlined; a click on a
// character moves there. Characters the model does not know are marked.
import { css, textOn, type Scale } from './colors.js';

export interface TextView {
  /** Rebuilds for a text, colouring character t by value(t) under a scale (null: no colour). */
  build(chars: string[], unknown: Set<number>, value: ((t: number) => number) | null, scale: Scale | null, describe: (t: number) => string): void;
  setCursor(t: number): void;
  onPick(l: (t: number) => void): void;
}

export function createTextView(root: HTMLElement): TextView {
  let spans: HTMLElement[] = [];
  let cur = -1;
  const listeners: Array<(t: number) => void> = [];
  root.addEventListener('click', (e) => {
    const t = Number((e.target as HTMLElement).dataset.t);
    if (Number.isInteger(t)) for (const l of listeners) l(t);
  });
  return {
    build(chars, unknown, value, scale, describe) {
      spans = chars.map((ch, t) => {
        const s = document.createElement('span');
        s.textContent = ch === '\n' ? '↵\n' : ch;
        s.dataset.t = String(t);
        s.title = describe(t);
        if (value && scale) {
          const v = value(t);
          if (Number.isFinite(v)) {
            const c = scale.color(v);
            s.style.background = css(c);
            s.style.color = textOn(c);
          }
        }
        if (unknown.has(t)) s.classList.add('unknown');
        return s;
      });
      root.replaceChildren(...spans);
      cur = -1;
    },
    setCursor(t) {
      spans[cur]?.classList.remove('cur');
      cur = t;
      const s = spans[t];
      if (!s) return;
      s.classList.add('cur');
      // Keep the cursor in view inside the text box only: never scroll the page.
      const top = s.offsetTop;
      if (top < root.scrollTop || top > root.scrollTop + root.clientHeight - 20) root.scrollTop = Math.max(0, top - root.clientHeight / 2);
    },
    onPick(l) {
      listeners.push(l);
    },
  };
}
