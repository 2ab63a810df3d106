// SVG diagrams of the LSTM, GRU and plain RNN cells, with the current values written along
// their wires. Pure layout: the values come from recur's trace.
import { css, diverging, textOn, viridis } from './colors.js';

export type Values = Record<string, number>;

const fmt = (v: number) => (Math.abs(v) < 10 ? v.toFixed(3) : v.toExponential(1));
const gateScale = viridis(0, 1);
const stateScale = diverging(1);

/** A value chip: label and number, filled by its colour on the gate or state scale. */
function chip(x: number, y: number, label: string, v: number, gate = false): string {
  const c = (gate ? gateScale : stateScale).color(v);
  return `<g class="chip" data-key="${label}"><rect x="${x - 42}" y="${y - 11}" width="84" height="22" rx="4" fill="${css(c)}" stroke="#333"/>
    <text x="${x}" y="${y + 4}" text-anchor="middle" fill="${textOn(c)}">${label} ${fmt(v)}</text></g>`;
}
const box = (x: number, y: number, label: string, fill = '#fde7b0') =>
  `<rect x="${x - 24}" y="${y - 16}" width="48" height="32" rx="5" fill="${fill}" stroke="#333"/><text x="${x}" y="${y + 5}" text-anchor="middle" class="op">${label}</text>`;
const op = (x: number, y: number, sym: string) =>
  `<circle cx="${x}" cy="${y}" r="13" fill="#fff" stroke="#333"/><text x="${x}" y="${y + 5}" text-anchor="middle" class="op">${sym}</text>`;
const wire = (d: string, cls = '') => `<path d="${d}" class="wire ${cls}" marker-end="url(#arrow)"/>`;
const label = (x: number, y: number, text: string, anchor = 'middle') => `<text x="${x}" y="${y}" text-anchor="${anchor}" class="lbl">${text}</text>`;

function frame(body: string, title: string): string {
  return `<svg viewBox="0 0 640 330" role="img" aria-label="${title}" class="cell-svg">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>
    <rect x="60" y="20" width="500" height="260" rx="14" class="cell-body"/>${body}</svg>`;
}

export function lstmDiagram(v: Values): string {
  return frame(
    [
      wire('M10,60 L137,60', 'cell-line'), op(150, 60, '×'), wire('M163,60 L327,60', 'cell-line'), op(340, 60, '+'), wire('M353,60 L630,60', 'cell-line'),
      wire('M10,290 L100,290 L100,250'), wire('M70,320 L100,320 L100,290'),
      wire('M100,250 L120,250 L120,196'), wire('M120,250 L210,250 L210,196'), wire('M210,250 L290,250 L290,196'), wire('M290,250 L420,250 L420,196'),
      box(120, 180, 'σ'), box(210, 180, 'σ'), box(290, 180, 'tanh'), box(420, 180, 'σ'),
      wire('M120,164 L150,164 L150,75'), op(250, 120, '×'), wire('M210,164 L210,120 L235,120'), wire('M290,164 L290,120 L265,120'), wire('M250,105 L340,105 L340,75'),
      wire('M500,60 L500,104'), box(500, 120, 'tanh', '#f6d2ff'), op(500, 180, '×'), wire('M500,136 L500,165'), wire('M444,180 L485,180'), wire('M500,195 L500,290 L630,290'),
      chip(60, 40, 'c(t-1)', v.cPrev!), chip(60, 270, 'h(t-1)', v.hPrev!), label(30, 324, 'x(t)', 'start'),
      chip(120, 140, 'f', v.f!, true), chip(205, 222, 'i', v.i!, true), chip(300, 222, 'g', v.g!), chip(420, 222, 'o', v.o!, true),
      chip(245, 40, 'f·c', v.fc!), chip(290, 88, 'i·g', v.ig!), chip(590, 40, 'c(t)', v.c!), chip(570, 120, 'tanh c', v.tc!), chip(590, 270, 'h(t)', v.h!),
      label(320, 16, 'cell state: the conveyor belt, changed only by × forget and + new content'),
    ].join(''),
    'LSTM cell',
  );
}

export function gruDiagram(v: Values): string {
  return frame(
    [
      wire('M10,60 L200,60'), op(213, 60, '×'), wire('M226,60 L437,60'), op(450, 60, '+'), wire('M463,60 L630,60'),
      wire('M100,60 L100,250'), wire('M70,320 L100,320 L100,250'),
      wire('M100,250 L150,250 L150,196'), wire('M100,250 L250,250 L250,196'), wire('M100,250 L370,250 L370,196'),
      box(150, 180, 'σ'), box(250, 180, 'σ'), box(370, 180, 'tanh'),
      wire('M150,164 L150,120 L357,120 L370,164'), wire('M250,164 L250,90 L213,90 L213,75'),
      op(330, 150, '1−'), wire('M263,180 L317,150'), op(450, 150, '×'), wire('M343,150 L437,150'), wire('M386,180 L450,180 L450,165'), wire('M450,137 L450,75'),
      chip(60, 40, 'h(t-1)', v.hPrev!), label(30, 324, 'x(t)', 'start'),
      chip(150, 222, 'r', v.r!, true), chip(250, 222, 'z', v.z!, true), chip(370, 222, 'n', v.n!),
      chip(213, 40, 'z·h', v.zh!), chip(530, 150, '(1−z)·n', v.zn!), chip(590, 40, 'h(t)', v.h!),
      label(320, 16, 'GRU: h(t) = (1 − z)·n + z·h(t−1)'),
    ].join(''),
    'GRU cell',
  );
}

export function rnnDiagram(v: Values): string {
  return frame(
    [
      wire('M10,150 L100,150 L100,250'), wire('M70,320 L100,320 L100,250'), wire('M100,250 L300,250 L300,196'),
      box(300, 180, 'tanh'), wire('M300,164 L300,150 L630,150'),
      chip(60, 130, 'h(t-1)', v.hPrev!), label(30, 324, 'x(t)', 'start'), chip(420, 130, 'h(t)', v.h!),
      label(320, 16, 'plain RNN: h(t) = tanh(W x(t) + U h(t−1) + b), no gate to protect the state'),
    ].join(''),
    'plain RNN cell',
  );
}
