import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeSegments, startStaticServer, type StaticServer } from '../../src/cli/static-server.js';

const SECRET = 'top-secret-do-not-serve';
const base = mkdtempSync(join(tmpdir(), 'recur-static-'));
const root = join(base, 'site');
const outside = join(base, 'outside');
let server: StaticServer;
let port = 0;

before(async () => {
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(join(root, 'sub', 'file.txt'), 'inside');
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(base, 'secret.txt'), SECRET);
  writeFileSync(join(outside, 'config.json'), '{"ok":true}');
  symlinkSync(outside, join(root, 'out'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
  server = await startStaticServer({ root, port: 0, fixed: { '/checkpoint/config.json': join(outside, 'config.json') } });
  port = Number(new URL(server.url).port);
});
after(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

/** Sends a request line as given (no client-side normalisation) and returns status and body. */
function raw(target: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  });
}

test('binds 127.0.0.1 by default and serves its own files', async () => {
  const addr = server.server.address();
  assert.ok(typeof addr === 'object' && addr !== null && addr.address === '127.0.0.1');
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const home = await raw('/');
  assert.equal(home.status, 200);
  assert.match(home.body, /<title>home<\/title>/);
  assert.equal((await raw('/sub/file.txt')).body, 'inside');
  assert.equal((await raw('/sub/file.txt?x=1#y')).status, 200);
});

test('no directory listing', async () => {
  assert.equal((await raw('/sub/')).status, 404);
  assert.equal((await raw('/sub')).status, 404);
});

test('path traversal is refused in every spelling', async () => {
  const attempts = [
    '/../secret.txt',
    '/sub/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/sub/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/%252e%252e/secret.txt',
    '/.%2e/secret.txt',
    '//etc/passwd',
    '/etc/passwd',
    `/${base.slice(1)}/secret.txt`,
    `/${encodeURIComponent(join(base, 'secret.txt'))}`,
    'http://127.0.0.1/../secret.txt',
    '/C:/Windows/win.ini',
    '/~root/.bashrc',
    '/index.html%00.txt',
    '/%00',
    '/%E0%A4%A', // malformed escape
    '/out/secret.txt', // symlinked directory pointing out
    '/secret-link.txt', // symlinked file pointing out
    '/out/',
  ];
  for (const a of attempts) {
    const r = await raw(a);
    assert.ok(r.status === 400 || r.status === 404, `${a}: status ${r.status}`);
    assert.ok(!r.body.includes(SECRET), `${a}: leaked the file outside the root`);
  }
});

test('a raw NUL byte in the request line is rejected', async () => {
  const r = await raw('/index.html\0.txt');
  assert.equal(r.status, 400);
});

test('fixed files (a checkpoint) at their URL, nothing else from that directory', async () => {
  const r = await raw('/checkpoint/config.json');
  assert.equal(r.status, 200);
  assert.equal(r.body, '{"ok":true}');
  assert.equal((await raw('/checkpoint/secret.txt')).status, 404);
  assert.equal((await raw('/checkpoint/')).status, 404);
});

test('only GET and HEAD', async () => {
  assert.equal((await raw('/', 'POST')).status, 405);
  assert.equal((await raw('/', 'DELETE')).status, 405);
  const head = await raw('/', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
});

test('safeSegments parses without resolving dot segments', () => {
  assert.deepEqual(safeSegments('/a/b.txt?q'), ['a', 'b.txt']);
  assert.deepEqual(safeSegments('/a%20b/'), ['a b']);
  assert.equal(safeSegments('/a/../b'), null);
  assert.equal(safeSegments('a'), null);
});

test('sends the cross-origin isolation headers (browser worker threads need them), unless told not to', async () => {
  const isolated = await fetch(`${server.url}sub/file.txt`);
  assert.equal(isolated.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(isolated.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal((await fetch(`${server.url}missing`)).headers.get('cross-origin-embedder-policy'), 'require-corp');
  const plain = await startStaticServer({ root, port: 0, isolate: false });
  try {
    const res = await fetch(`${plain.url}sub/file.txt`);
    assert.equal(await res.text(), 'inside');
    assert.equal(res.headers.get('cross-origin-opener-policy'), null);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), null);
  } finally {
    await plain.close();
  }
});
