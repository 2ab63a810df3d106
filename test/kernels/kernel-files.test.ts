// Where the kernels' .wasm files come from: Node reads them beside the module (checked by the
// default backend elsewhere); `wasmPaths` fetches them from a server, streaming where it sends
// application/wasm, and a location that does not serve them is a clear error, not a silent
// fallback. The shared SIMD128 build is used here because nothing else in this process
// compiles it first (a compiled build is kept and not fetched again).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { compileKernels, setWasmPaths } from '../../src/kernels/wasm/kernel-files.js';
import { compiledIfLoaded, loadSharedKernels, sharedMemory } from '../../src/kernels/wasm/module.js';
import { OptionError, RecurError } from '../../src/errors.js';

const FILE = new URL('../../src/kernels/wasm/generated/shared-simd128.wasm', import.meta.url);

async function serve(): Promise<{ server: Server; url: string; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/good/shared-simd128.wasm') {
      res.writeHead(200, { 'content-type': 'application/wasm' });
      res.end(readFileSync(FILE));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

test('wasmPaths: a folder must end in /; a missing file is an error naming it; the right folder loads a working build', async () => {
  assert.throws(() => setWasmPaths('https://cdn.example/recur'), (e) => e instanceof OptionError && /must end in '\/'/.test(e.message));
  const { server, url, requests } = await serve();
  try {
    assert.equal(compiledIfLoaded('shared', 'simd128'), undefined, 'nothing compiled the shared SIMD128 build before');
    setWasmPaths(`${url}/missing/`);
    await assert.rejects(compileKernels('shared', 'simd128'), (e) => e instanceof RecurError && e.code === 'E_WASM' && e.message.includes(`${url}/missing/shared-simd128.wasm`) && /HTTP 404/.test(e.message));
    // A URL per file; the failure above is not kept.
    setWasmPaths({ 'shared-simd128.wasm': `${url}/good/shared-simd128.wasm` });
    await compileKernels('shared', 'simd128');
    assert.deepEqual(requests, ['/missing/shared-simd128.wasm', '/good/shared-simd128.wasm']);
    // The fetched build runs: its forwardUnits export exists on a shared memory.
    assert.equal(typeof loadSharedKernels(sharedMemory(), 'simd128').forwardUnits, 'function');
  } finally {
    setWasmPaths(undefined);
    server.close();
  }
});
