// SVG pieces of the cell diagrams: named gate boxes (focusable, selectable), operators,
// wires and value chips coloured on the page's scales.
import { css, diverging, symlogDiverging, textOn, viridis } from './colors.js';

export type Values = Record<string, number>;
/** Three decimals below 10, one above; 'saturated' where a pre-activation cannot be recovered. */
export const fmt = (v: number) => (!Number.isFinite(v) ? 'saturated' : Math.abs(v) < 10 ? v.toFixed(3) : v.toFixed(1));
const scales = { gate: viridis(0, 1), state: diverging(1), cell: symlogDiverging(100) };
export type ChipKind = keyof typeof scales;

/** A value chip: label and number, filled by its colour on the gate, state or cell scale. */
export function chip(x: number, y: number, label: string, v: number, kind: ChipKind = 'state', key = label): string {
  const c = Number.isFinite(v) ? scales[kind].color(v) : ([221, 221, 221] as const);
  const text = `${label} ${fmt(v)}`;
  const w = Math.max(56, text.length * 7 + 10);
  return `<g class="chip" data-key="${key}"><rect x="${x - w / 2}" y="${y - 10}" width="${w}" height="20" rx="4" fill="${css(c)}" stroke="#333"/>
    <text x="${x}" y="${y + 4}" text-anchor="middle" fill="${textOn(c)}">${text}</text></g>`;
}

/** A gate or layer box with its function and its name in words under it. */
export function gateBox(x: number, y: number, fn: string, name: string, key: string, selected: string, fill = '#fde7b0'): string {
  return `<g class="gate${selected === key ? ' sel' : ''}" data-gate="${key}" tabindex="0" role="button" aria-label="${name}: show its equation">
    <rect x="${x - 32}" y="${y - 17}" width="64" height="34" rx="6" fill="${fill}"/>
    <text x="${x}" y="${y + 5}" text-anchor="middle" class="op">${fn}</text>
    <text x="${x}" y="${y + 32}" text-anchor="middle" class="gname">${name}</text></g>`;
}

export const op = (x: number, y: number, sym: string) =>
  `<circle cx="${x}" cy="${y}" r="13" fill="#fff" stroke="#333"/><text x="${x}" y="${y + 5}" text-anchor="middle" class="op">${sym}</text>`;
export const wire = (d: string, cls = '') => `<path d="${d}" class="wire ${cls}" marker-end="url(#arrow)"/>`;
export const line = (d: string, cls = '') => `<path d="${d}" class="wire ${cls}"/>`;
export const dot = (x: number, y: number) => `<circle cx="${x}" cy="${y}" r="3.5" fill="#333"/>`;
export const label = (x: number, y: number, text: string, anchor = 'middle', cls = 'lbl') => `<text x="${x}" y="${y}" text-anchor="${anchor}" class="${cls}">${text}</text>`;

export function frame(body: string, title: string, w: number, h: number, box: [number, number, number, number]): string {
  return `<svg viewBox="0 0 ${w} ${h}" role="img" aria-label="${title}" class="cell-svg">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>
    <rect x="${box[0]}" y="${box[1]}" width="${box[2]}" height="${box[3]}" rx="14" class="cell-body"/>${body}</svg>`;
}
