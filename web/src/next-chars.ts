// The model's most likely next characters after a step, with the character that actually
// comes next in the text marked (and added with its rank when it is not among the top).
import { showChar } from './chars.js';

export interface Candidate {
  char: string;
  p: number;
}

function row(c: Candidate, actual: boolean, rank: number | null): HTMLLIElement {
  const li = document.createElement('li');
  li.className = actual ? 'actual' : '';
  li.innerHTML = `<span class="ch"></span><span class="bar"><span style="width:${(c.p * 100).toFixed(1)}%"></span></span><span class="p">${(c.p * 100).toFixed(1)}%</span>`;
  li.querySelector('.ch')!.textContent = showChar(c.char);
  if (actual) {
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = rank === null ? '← next in the text' : `← next in the text (rank ${rank})`;
    li.append(tag);
  }
  return li;
}

/** Renders the top candidates; `all` is the full distribution, `next` the actual next character (null at the end). */
export function renderNext(list: HTMLElement, note: HTMLElement, all: Candidate[], k: number, next: string | null): void {
  const sorted = [...all].sort((a, b) => b.p - a.p);
  const top = sorted.slice(0, k);
  const items = top.map((c) => row(c, c.char === next, null));
  const rank = next === null ? -1 : sorted.findIndex((c) => c.char === next);
  if (next !== null && rank >= k) items.push(row(sorted[rank]!, true, rank + 1));
  list.replaceChildren(...items);
  if (next === null) note.textContent = 'the end of the text: nothing comes next';
  else if (rank < 0) note.textContent = `next in the text: '${showChar(next)}', a character the model does not know`;
  else note.textContent = `next in the text: '${showChar(next)}', P = ${(sorted[rank]!.p * 100).toFixed(1)}%, surprise ${(-Math.log2(Math.max(1e-12, sorted[rank]!.p))).toFixed(1)} bits`;
}
