// Runs the CLI from the TypeScript sources (tests need no build step).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
