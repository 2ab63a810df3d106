// The "In the browser" section of BENCHMARKS.md, from bench/browser-results.json: a table of
// recur, onnxruntime-web and tfjs (wasm) in one Chromium page, the ratios and the targets.
// Pure functions (no I/O), so the rendering is tested without a browser.
import { AGREEMENT_TOLERANCE, peerBest, recurBest, type AgreementRow, type TargetResult } from '../analysis.js';
import { systemLabel, type Measurement, type WorkloadId } from '../workloads.js';

export interface BrowserResults {
  schema: 1;
  quick: boolean;
  date: string;
  durationSeconds: number;
  machine: { cpuModel: string; cores: number; memoryGiB: number; os: string; loadAverageStart: number[]; loadAverageEnd: number[]; gitCommit: string };
  chromium: string;
  userAgent: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  versions: Record<string, string>;
  systems: Array<{ label: string; peer: string; threads: number; gotThreads: number; info: Record<string, string>; error?: string }>;
  settings: { rounds: number; budgetMs: number };
  workloads: WorkloadId[];
  measurements: Measurement[];
  targets: TargetResult[];
  agreement: AgreementRow[];
}

export const SECTION_START = '<!-- browser-bench:start -->';
export const SECTION_END = '<!-- browser-bench:end -->';
const INFERENCE: readonly WorkloadId[] = ['W1', 'W1s', 'W2', 'W4', 'W5', 'W6'];

const fmt = (ms: number): string => (ms >= 1000 ? ms.toFixed(0) : ms >= 100 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
const x = (r: number): string => `${r.toFixed(2)}×`;
const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The browser targets: recur faster than onnxruntime-web on every inference workload (each at its best thread count), and W3 ≥ 10× tfjs. */
export function browserTargets(all: Measurement[], workloads: readonly WorkloadId[]): TargetResult[] {
  const out: TargetResult[] = [];
  for (const id of workloads.filter((w) => INFERENCE.includes(w))) {
    const r = recurBest(all, id);
    const o = peerBest(all, 'onnxruntime-web', id);
    const target = `${id} faster than onnxruntime-web (each at its best thread count)`;
    if (r && o) out.push({ workload: id, target, measured: `${systemLabel(r)} ${fmt(r.ms)} ms vs ${systemLabel(o)} ${fmt(o.ms)} ms: ${x(r.ms / o.ms)} its time`, verdict: r.ms < o.ms ? 'pass' : 'miss' });
    else out.push({ workload: id, target, measured: `no figure for ${r ? 'onnxruntime-web' : 'recur'}`, verdict: 'n/a' });
  }
  if (workloads.includes('W3')) {
    const r = recurBest(all, 'W3');
    const t = peerBest(all, 'tfjs', 'W3');
    const target = 'W3 (training) ≥ 10× faster than tfjs (each at its best thread count)';
    if (r && t) out.push({ workload: 'W3', target, measured: `${systemLabel(r)} ${fmt(r.ms)} ms vs ${systemLabel(t)} ${fmt(t.ms)} ms: ${x(t.ms / r.ms)}`, verdict: t.ms / r.ms >= 10 ? 'pass' : 'miss' });
    else out.push({ workload: 'W3', target, measured: `no figure for ${r ? 'tfjs' : 'recur'}`, verdict: 'n/a' });
  }
  return out;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The section, between markers so a later run replaces it in place. */
export function renderBrowserSection(r: BrowserResults): string {
  const ids = r.workloads;
  const find = (label: string, id: WorkloadId): Measurement | undefined => r.measurements.find((m) => systemLabel(m) === label && m.workload === id);
  const cell = (m: Measurement | undefined): string => (!m ? '–' : m.status === 'ok' ? fmt(m.ms!) : m.status);
  const ratio = (peer: string, id: WorkloadId, recurOverPeer: boolean): string => {
    const rb = recurBest(r.measurements, id);
    const pb = peerBest(r.measurements, peer, id);
    if (!rb || !pb) return '–';
    return x(recurOverPeer ? rb.ms / pb.ms : pb.ms / rb.ms);
  };
  const m = r.machine;
  const out: string[] = [SECTION_START, '## In the browser', ''];
  out.push(
    `recur, onnxruntime-web and TensorFlow.js side by side in one page of Debian Chromium ${r.chromium} (headless, through Playwright), ` +
      `\`npm run bench:browser\` (bench/browser/), ${r.date} (${r.durationSeconds.toFixed(0)} s). Raw figures: \`bench/browser-results.json\`. ` +
      `Each system runs in its own dedicated worker of a cross-origin-isolated page (crossOriginIsolated: ${r.crossOriginIsolated}); ` +
      `${r.settings.rounds} rounds in which every workload is timed on every system in turn (order rotated each round); ` +
      'each figure is the median of the per-round medians, in ms per call (lower is better).',
    '',
  );
  if (r.quick) out.push('> **Quick mode**: tiny shapes; these figures say nothing about performance.', '');
  out.push(
    table(
      ['CPU', 'cores (navigator.hardwareConcurrency)', 'memory', 'OS', 'Chromium', 'load average at start → end', 'recur commit'],
      [[m.cpuModel, `${m.cores} (${r.hardwareConcurrency})`, `${m.memoryGiB} GiB`, m.os, r.chromium, `${m.loadAverageStart.join(', ')} → ${m.loadAverageEnd.join(', ')}`, m.gitCommit]],
    ),
    '',
  );
  const labels = r.systems.map((s) => s.label);
  const rows = labels.map((l) => [l, ...ids.map((id) => cell(find(l, id)))]);
  rows.push(['recur ÷ onnxruntime-web (best of each)', ...ids.map((id) => (INFERENCE.includes(id) ? ratio('onnxruntime-web', id, true) : 'n/a'))]);
  rows.push(['speed-up over tfjs (best of each)', ...ids.map((id) => ratio('tfjs', id, false))]);
  out.push(table(['system', ...ids], rows), '');
  out.push(
    '`nT` = threads asked for. recur ÷ onnxruntime-web below 1: recur takes less time. onnxruntime-web and tfjs have no training here ' +
      '(onnxruntime-web: inference only), so W3 is recur against tfjs `trainOnBatch`.',
    '',
  );
  out.push(table(['workload', 'target', 'measured', 'result'], r.targets.map((t) => [t.workload, t.target, esc(t.measured), t.verdict === 'pass' ? '**pass**' : t.verdict === 'miss' ? '**miss**' : 'n/a'])), '');
  const threads = r.systems.map((s) => `${s.label}: ${s.error ? `did not start (${esc(s.error)})` : `${s.gotThreads} thread(s) reported`}`);
  out.push(`Threads each system reported once started: ${threads.join('; ')}.`, '');
  if (!r.systems.some((s) => s.peer === 'tfjs' && s.threads > 1)) {
    out.push(
      "tfjs runs on one thread: its threaded wasm build (loaded, with `WASM_HAS_MULTITHREAD_SUPPORT` true) reported 1 thread when asked for 2, " +
        "in a worker and on the page's main thread alike, so a 2-thread row would repeat the 1-thread one (`--systems tfjs:2` tries again).",
      '',
    );
  }
  out.push(
    `Conditions: ${m.cores} cores shared with other work during the run (load average above); ratios are of figures taken in the same rounds, ` +
      'and the two-thread figures suffer most when the other core is busy.',
    '',
  );
  out.push(`Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`, '');
  const bad = r.agreement.filter((a) => !a.agree);
  out.push(
    r.agreement.length
      ? `Output agreement with recur (32 sampled values, ≤ ${AGREEMENT_TOLERANCE}): ${r.agreement.length - bad.length} of ${r.agreement.length} comparisons agree` +
          (bad.length ? `; **disagree**: ${bad.map((a) => `${a.workload} ${a.system} (${a.maxAbsDiff.toExponential(2)})`).join(', ')}.` : ` (largest difference ${Math.max(...r.agreement.map((a) => a.maxAbsDiff)).toExponential(2)}).`)
      : 'No comparable outputs in this run.',
    '',
  );
  const notes = r.measurements.filter((mm) => mm.status !== 'ok' && mm.note).map((mm) => `${systemLabel(mm)} ${mm.workload}: ${mm.status}, ${esc(mm.note!)}`);
  if (notes.length) out.push(`Not measured: ${[...new Set(notes)].join('; ')}.`, '');
  out.push(SECTION_END);
  return out.join('\n');
}

/** The markdown with the browser section put in place of an earlier one, or else before "## Targets" (or at the end). */
export function withBrowserSection(markdown: string, section: string): string {
  const start = markdown.indexOf(SECTION_START);
  const end = markdown.indexOf(SECTION_END);
  if (start >= 0 && end > start) return markdown.slice(0, start) + section + markdown.slice(end + SECTION_END.length);
  const at = markdown.indexOf('\n## Targets');
  if (at >= 0) return markdown.slice(0, at + 1) + section + '\n\n' + markdown.slice(at + 1);
  return markdown.trimEnd() + '\n\n' + section + '\n';
}
