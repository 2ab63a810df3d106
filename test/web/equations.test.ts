// The cell diagram's numbers: products on the wires and equations whose pre-activations,
// pushed back through σ or tanh, give the gate values shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { valuesAt } from '../../web/src/cell-panel.js';
import type { CellSource } from '../../web/src/cell-source.js';
import { equation } from '../../web/src/equations.js';
import { lstmDiagram, rnnDiagram } from '../../web/src/cell-diagrams.js';

const source = (cell: 'lstm' | 'gru' | 'rnn', gates: Record<string, number[]>, c: number[] | null, h: number[]): CellSource => ({
  cell, T: h.length, H: 1, gates: Object.fromEntries(Object.entries(gates).map(([k, v]) => [k, Float32Array.from(v)])),
  c: c ? Float32Array.from(c) : null, h: Float32Array.from(h), input: () => 'x', origin: 'a test',
});
const numbers = (s: string) => Array.from(s.replace(/<[^>]+>/g, '').matchAll(/σ\((-?\d+\.\d+)\) = (-?\d+\.\d+)/g), (m) => [Number(m[1]), Number(m[2])]);

test('LSTM values: products on the wires and equations consistent with σ', () => {
  const src = source('lstm', { i: [0.2, 0.7], f: [0.5, 0.9], g: [0.1, -0.6], o: [0.4, 0.8] }, [0.3, 0.9 * 0.3 + 0.7 * -0.6], [0.1, 0.2]);
  const v = valuesAt(src, 1, 0);
  assert.ok(Math.abs(v.fc! - 0.9 * 0.3) < 1e-6 && Math.abs(v.ig! - 0.7 * -0.6) < 1e-6);
  assert.ok(Math.abs(v.c! - (v.fc! + v.ig!)) < 1e-6, 'c = f·c(t−1) + i·g');
  assert.equal(v.cPrev, src.c![0]);
  for (const key of ['f', 'i', 'o']) {
    const eq = equation('lstm', key, v);
    const [[pre, shown]] = numbers(eq) as [[number, number]];
    assert.ok(Math.abs(1 / (1 + Math.exp(-pre)) - shown) < 2e-3, `${key}: σ(${pre}) = ${shown}`);
    assert.ok(Math.abs(shown - v[key]!) < 5e-4);
  }
  assert.match(equation('lstm', 'f', v), /forget gate.*keeps 90% of the old cell/);
  const svg = lstmDiagram(v, 'i');
  for (const name of ['forget gate', 'input gate', 'output gate', 'candidate']) assert.ok(svg.includes(name));
  assert.match(svg, /class="gate sel" data-gate="i"/);
});

test('a saturated plain RNN says so instead of printing a made-up pre-activation', () => {
  const v = valuesAt(source('rnn', {}, null, [0.5, 1]), 1, 0);
  assert.ok(Number.isNaN(v.a));
  assert.match(equation('rnn', 'h', v), /tanh\(saturated\) = <b>1\.000<\/b>/);
  const ok = valuesAt(source('rnn', {}, null, [0.5, 0.25]), 1, 0);
  assert.ok(equation('rnn', 'h', ok).includes(`tanh(${Math.atanh(0.25).toFixed(3)})`));
  assert.match(rnnDiagram(ok, 'h'), /a 0\.255/);
});
