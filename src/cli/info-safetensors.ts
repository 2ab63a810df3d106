import { DTYPE_SIZES, type SafetensorsHeader } from '../io/safetensors.js';
import { inspectSafetensorsFileSync } from '../io/safetensors-file.js';

/**
 * `recur info <file.safetensors>`: a table of the tensors (name, dtype, shape, elements)
 * with totals, read from the header only so it is instant on large files.
 */
export function describeSafetensors(path: string): string {
  return formatSafetensorsHeader(inspectSafetensorsFileSync(path), path);
}

/** The table for an already parsed header (pure; separated for tests). */
export function formatSafetensorsHeader(header: SafetensorsHeader, title: string): string {
  const rows = header.tensors.map((t) => [
    printable(t.name),
    t.dtype,
    `[${t.shape.join(', ')}]`,
    (t.byteLength / DTYPE_SIZES[t.dtype]).toLocaleString('en-US'),
  ]);
  const head = ['name', 'dtype', 'shape', 'elements'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Text columns left-aligned, the number right-aligned.
  const line = (r: readonly string[]): string =>
    r.map((c, i) => (i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const elements = header.tensors.reduce((n, t) => n + t.byteLength / DTYPE_SIZES[t.dtype], 0);
  const dataBytes = header.fileSize - header.dataStart;
  const out = [
    `${title}: safetensors, ${header.tensors.length} tensor${header.tensors.length === 1 ? '' : 's'}`,
    '',
    line(head),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    `total: ${elements.toLocaleString('en-US')} parameters, ${formatBytes(dataBytes)} of data (${formatBytes(header.fileSize)} file)`,
  ];
  const meta = Object.entries(header.metadata);
  if (meta.length > 0) {
    out.push('metadata:');
    for (const [k, v] of meta) out.push(`  ${printable(k)}: ${printable(v.length > 200 ? `${v.slice(0, 200)}...` : v)}`);
  }
  return out.join('\n');
}

/** Names and metadata come from the file: quote any with control characters so they cannot garble the terminal. */
function printable(s: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(s) ? JSON.stringify(s) : s;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
