#!/usr/bin/env node
// The CLI entry: runs the compiled program. An installed package ships dist/; in a clone of
// the repository, `npm run build` makes it (`npm start` builds first).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error("recur: dist/ is missing; in a clone of the repository run 'npm run build' first");
  process.exit(2);
}
const { main } = await import(compiled.href);
process.exitCode = await main(process.argv);
