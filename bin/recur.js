#!/usr/bin/env node
// The CLI entry: runs the compiled program (built by `npm run build`, which `npm ci` runs
// through `prepare`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
