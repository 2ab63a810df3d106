import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeMasker } from '../../../src/data/logs/mask.js';
import { OptionError } from '../../../src/errors.js';

const m = makeMasker();

test('default masks turn values into <*> and leave words alone', () => {
  const cases: Array<[string, string]> = [
    ['Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6', 'Received block <*> of size <*> from <*>'],
    ['Served block to /10.251.73.220:50010', 'Served block to /<*>'],
    ['flags=0x1, tag="View Lock", uid=10037', 'flags=<*>, tag="View Lock", uid=<*>'],
    ['[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Started', '[instance: <*>] VM Started'],
    ['proxy.cse.cuhk.edu.hk:5070 open through proxy HTTPS', '<*> open through proxy HTTPS'],
    ['close, 1190 bytes (1.16 KB) sent, 0 bytes received, lifetime <1 sec', 'close, <*> sent, <*> received, lifetime <*>'],
    ['connection from 24.54.76.216 (24-54-76-216.bflony.adelphia.net) at Fri Jun 17 07:07:00 2005', 'connection from <*> (<*>) at <*>'],
    ['10.11.10.1,10.11.10.2 "GET /v2/54fadb412c4e40cd/servers HTTP/1.1"', '<*> "GET <*> <*>"'],
    ['open through proxy socks:5070 SOCKS5 utf8 node-246', 'open through proxy socks:<*> SOCKS5 utf8 <*>'],
  ];
  for (const [input, want] of cases) assert.equal(m.apply(input), want, input);
});

test('custom masks: order kept, invalid or empty-matching patterns refused', () => {
  assert.equal(makeMasker([{ name: 'user', pattern: 'user=\\w+' }]).apply('login user=bob ok'), 'login <*> ok');
  assert.throws(() => makeMasker([{ name: 'bad', pattern: '(' }]), (e: unknown) => e instanceof OptionError && /not a valid regular expression/.test(e.message));
  assert.throws(() => makeMasker([{ name: 'empty', pattern: 'x*' }]), /matches the empty string/);
});
