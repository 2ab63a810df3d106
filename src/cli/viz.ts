import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IoError, OptionError } from '../errors.js';
import { parseNonNegativeInt } from './parse.js';
import { readCheckpointConfig } from '../checkpoint/session.js';
import { startStaticServer, type StaticServer } from './static-server.js';

/** The package root, from src/cli (tsx) or dist/cli (built) alike. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(ROOT, 'web', 'dist');
/** Where the page looks for a checkpoint given on the command line. */
export const CHECKPOINT_URL = '/checkpoint/';

/** Builds the page with Vite unless web/dist already holds it. */
export async function ensureWebBuild(force = false): Promise<void> {
  if (!force && existsSync(join(WEB_DIST, 'index.html'))) return;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new IoError(`${WEB_DIST} is missing and Vite is not installed; run 'npm run build:web' in a recur checkout`);
  }
  await vite.build({ configFile: join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
}

export interface VizOptions {
  host?: string;
  port?: number;
  build?: boolean;
}

/** Serves the visualiser (and a checkpoint's model at CHECKPOINT_URL when dir is given). */
export async function serveViz(dir: string | undefined, o: VizOptions = {}): Promise<StaticServer> {
  const fixed: Record<string, string> = {};
  if (dir !== undefined) {
    const { dir: real, config } = await readCheckpointConfig(dir);
    if (config.spec.kind !== 'charlm' && config.spec.kind !== 'audio' && (config.spec.kind !== 'logs' || config.spec.supervised)) {
      throw new OptionError(`${dir} holds a ${config.spec.supervised ? 'supervised logs' : config.spec.kind} model; the visualiser reads character language models (--task charlm), audio classifiers (--task audio) and next-event logs models (--task logs)`);
    }
    for (const f of ['config.json', 'model.safetensors']) fixed[`${CHECKPOINT_URL}${f}`] = join(real, f);
  }
  await ensureWebBuild(o.build ?? false);
  return startStaticServer({ root: WEB_DIST, host: o.host ?? '127.0.0.1', port: o.port ?? 0, fixed });
}

export function registerViz(program: Command): void {
  program
    .command('viz')
    .description('open the visualiser in a browser: watch an LSTM remember (builds the page if needed)')
    .argument('[dir]', 'checkpoint directory from recur train --task charlm (or --task audio: opens the audio view; --task logs: the explore view) to explore (default: the bundled models)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', parseNonNegativeInt, 5178)
    .option('--build', 'rebuild the page even if web/dist exists')
    .action(async (dir: string | undefined, o: { host: string; port: number; build?: boolean }) => {
      const s = await serveViz(dir, o);
      // An audio checkpoint opens the audio view (panel 5) alone.
      const audio = dir !== undefined && (await readCheckpointConfig(dir)).config.spec.kind === 'audio';
      // A logs checkpoint opens in the explore view (panel 4) beside the bundled character model.
      const logs = dir !== undefined && (await readCheckpointConfig(dir)).config.spec.kind === 'logs';
      const query = dir !== undefined ? `?${audio ? 'view=audio&' : ''}${logs ? 'view=explore&logs' : 'model'}=${encodeURIComponent(CHECKPOINT_URL)}` : '';
      console.log(`recur viz: serving on ${s.url}${query}  (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => void s.close().then(resolve));
        process.once('SIGTERM', () => void s.close().then(resolve));
      });
    });
}
