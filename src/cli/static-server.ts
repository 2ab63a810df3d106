import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { extname, join, sep } from 'node:path';

/** Files served at fixed URLs whatever the root holds (e.g. a checkpoint under /checkpoint/). */
export type FixedFiles = Readonly<Record<string, string>>;

export interface StaticServerOptions {
  /** Directory whose files are served; nothing outside it is reachable. */
  root: string;
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** URL path -> file path, served as they are (the only way to reach files outside root). */
  fixed?: FixedFiles;
  /**
   * Send the cross-origin isolation headers (COOP same-origin, COEP require-corp), which
   * browsers require before they give a page SharedArrayBuffer and so worker threads.
   * Default true; every file served is same-origin, so nothing is blocked by them.
   */
  isolate?: boolean;
}

/** The headers that make a page cross-origin isolated (`crossOriginIsolated === true`). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.safetensors': 'application/octet-stream',
};

/**
 * The request path as safe segments, or null. Parsed by hand rather than with URL, which
 * would silently resolve `..` and `%2e%2e`: anything that even looks like a traversal is refused.
 */
export function safeSegments(rawUrl: string): string[] | null {
  const path = rawUrl.split(/[?#]/, 1)[0]!;
  if (!path.startsWith('/') || path.startsWith('//')) return null;
  const segments: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (s === '') continue;
    if (s === '.' || s === '..' || /[\0\\/:]/.test(s) || s.startsWith('~')) return null;
    segments.push(s);
  }
  return segments;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${text}\n`);
}

/** The real path of a regular file inside realRoot for these segments, or null. */
function resolveInside(realRoot: string, segments: string[]): string | null {
  let candidate = join(realRoot, ...segments);
  try {
    if (statSync(candidate).isDirectory()) candidate = join(candidate, 'index.html');
    // realpath follows symlinks: a link pointing out of the root is refused.
    const real = realpathSync(candidate);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

function handler(realRoot: string, fixed: FixedFiles, isolate: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    // On every response, worker scripts included: a worker gets its own policy from them.
    if (isolate) for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed');
    }
    const url = req.url ?? '';
    if (url.includes('\0') || /%00/i.test(url)) return send(res, 400, 'bad request');
    const segments = safeSegments(url);
    if (segments === null) return send(res, 400, 'bad request');
    const key = `/${segments.join('/')}`;
    const file = fixed[key] ?? resolveInside(realRoot, segments);
    if (file === null) return send(res, 404, 'not found');
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) return send(res, 404, 'not found');
      size = st.size;
    } catch {
      return send(res, 404, 'not found');
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': size,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  };
}

/** Serves root's files (no listings, no traversal) on host:port and resolves once listening. */
export function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const realRoot = realpathSync(options.root);
  const host = options.host ?? '127.0.0.1';
  const server = createServer(handler(realRoot, options.fixed ?? {}, options.isolate ?? true));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : options.port ?? 0;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${port}/`,
        server,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
