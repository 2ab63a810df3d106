import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../helpers/cli.js';

/** The first match of `re` in `text` as numbers, or a failure showing the output. */
function numbers(text: string, re: RegExp): number[] {
  const m = re.exec(text);
  assert.ok(m, `expected ${re} in:\n${text}`);
  return m.slice(1).map(Number);
}

// The examples under examples/ are documentation that must keep working: each is run and
// what it prints is checked against what it promises (each also exits 1 when it falls short).
const examples: Array<[string, string[], (stdout: string) => void]> = [
  ['streaming.ts', [], (out) => {
    const [diff] = numbers(out, /streamed \d+ steps; largest difference from one forward pass: (\S+)/);
    assert.ok(diff! <= 1e-6, `step-by-step differs from one pass by ${diff}`);
  }],
  ['forecast.ts', [], (out) => {
    const [rmse, naive, seasonal, period] = numbers(out, /RMSE (\S+)\s+persistence (\S+)\s+seasonal-naive (\S+) \(period (\d+)\)/);
    assert.equal(period, 12, 'the airline series is monthly');
    assert.ok(rmse! < seasonal! && rmse! < naive!, `RMSE ${rmse} must beat persistence ${naive} and seasonal-naive ${seasonal}`);
  }],
  ['global-forecast.ts', [], (out) => {
    const [series, smape, mase, naive2, naive2Mase, , , coverage] = numbers(out, /(\d+) series: sMAPE (\S+) MASE (\S+) \(Naive2 (\S+) \/ (\S+), Theta (\S+) \/ (\S+)\); 80% interval holds (\S+)%/);
    assert.equal(series, 176, 'the M1 quarterly series longer than 16 values');
    assert.ok(smape! < naive2! && mase! < naive2Mase!, `sMAPE ${smape} / MASE ${mase} must beat Naive2's ${naive2} / ${naive2Mase}`);
    assert.ok(coverage! >= 70 && coverage! <= 90, `the 80% interval holds ${coverage}%`);
    assert.match(out, /QRF1 next 8 quarters: (\S+ \[\S+, \S+\](, )?){8}/);
  }],
  ['classify.ts', ['3'], (out) => {
    const [acc, majority] = numbers(out, /accuracy (\S+) \(majority class (\S+)\)/);
    assert.ok(acc! > 0.75 && acc! > majority!, `accuracy ${acc} (majority ${majority})`);
    const predictions = out.split('\n').filter((l) => /^\S+ (0\.\d\d|1\.00)$/.test(l));
    assert.equal(predictions.length, 2, `expected the two names' predictions with their probabilities in:\n${out}`);
  }],
  ['char-lm.ts', ['8'], (out) => {
    const [bpc, unigram] = numbers(out, /test: (\S+) bits\/char \(unigram baseline (\S+)\)/);
    assert.ok(bpc! < unigram!, `${bpc} bits/char must beat the unigram baseline ${unigram}`);
    assert.match(out, /step \d+: validation \d+\.\d+ bits\/char/);
    assert.match(out, /sample: The whale./);
  }],
];

for (const [file, args, check] of examples) {
  test(`examples/${file} runs and keeps its promise`, () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', `examples/${file}`, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    check(r.stdout);
  });
}
