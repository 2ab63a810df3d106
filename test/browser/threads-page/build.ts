// Bundles the threads test page with Vite, as a user's app would bundle recur: 'recur' is
// the library's source, and the pool's worker must be found through `new URL(..., import.meta.url)`.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export async function buildThreadsPage(outDir: string): Promise<void> {
  await build({
    configFile: false,
    root: here('.'),
    base: './',
    logLevel: 'warn',
    resolve: { alias: [{ find: /^recur$/, replacement: here('../../../src/index.ts') }] },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000, modulePreload: { polyfill: false } },
    worker: { format: 'es' },
  });
}
