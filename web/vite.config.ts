// Builds the visualiser as a static site (relative URLs, so it can be hosted anywhere).
// 'recur' is the library's own source: the page uses only its public API.
// The dev and preview servers send the headers `recur viz` sends (static-server.ts): a
// cross-origin-isolated page gives the training worker SharedArrayBuffer, hence threads.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { 'recur-nn': fileURLToPath(new URL('../src/index.ts', import.meta.url)), recur: fileURLToPath(new URL('../src/index.ts', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', headers: isolation },
  preview: { host: '127.0.0.1', headers: isolation },
});
