#!/usr/bin/env node
// The CLI entry: runs the compiled command-line program (built by `npm run build`, which
// `npm ci` runs through `prepare`).
import { main } from '../dist/cli/main.js';

main(process.argv).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
