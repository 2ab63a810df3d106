// `npm run viz -- [DIR] [--host H] [--port N]`: the `recur viz` command from the sources.
import { main } from '../src/cli/main.js';

process.exitCode = await main(['node', 'recur', 'viz', ...process.argv.slice(2)]);
