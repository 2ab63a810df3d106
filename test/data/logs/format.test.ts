import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectFormat } from '../../../src/data/logs/detect-format.js';
import { compileFormat, LOGHUB_FORMATS, matchHeader } from '../../../src/data/logs/format.js';
import { OptionError } from '../../../src/errors.js';

test('a format string becomes named fields with Content as the message', () => {
  const f = compileFormat('<Date> <Time> <Pid> <Level> <Component>: <Content>');
  assert.deepEqual(f.fields, ['Date', 'Time', 'Pid', 'Level', 'Component', 'Content']);
  assert.deepEqual(matchHeader(f, '081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38 terminating'), {
    Date: '081109', Time: '203615', Pid: '148', Level: 'INFO', Component: 'dfs.DataNode$PacketResponder', Content: 'PacketResponder 1 for block blk_38 terminating',
  });
  assert.equal(matchHeader(f, 'no header here'), null);
});

test('escapes, runs of spaces and optional parts follow loghub formats', () => {
  const apache = compileFormat(LOGHUB_FORMATS.Apache!);
  assert.deepEqual(matchHeader(apache, '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties'), {
    Time: 'Sun Dec 04 04:47:44 2005', Level: 'notice', Content: 'workerEnv.init() ok /etc/httpd/conf/workers2.properties',
  });
  const linux = compileFormat(LOGHUB_FORMATS.Linux!);
  assert.equal(matchHeader(linux, 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown')?.PID, '19939');
  const noPid = matchHeader(linux, 'Jun 14 15:16:01 combo kernel: Linux version 2.6.5');
  assert.equal(noPid?.Component, 'kernel');
  assert.equal(noPid?.PID, '');
  assert.equal(noPid?.Content, 'Linux version 2.6.5');
  // Windows: 18 spaces in the format match any run of white space.
  assert.equal(matchHeader(compileFormat(LOGHUB_FORMATS.Windows!), '2016-09-28 04:30:30, Info CBS Loaded Servicing Stack')?.Component, 'CBS');
});

test('bad formats are refused with a message naming the problem', () => {
  assert.throws(() => compileFormat('<Date> <Time> <Level>'), (e: unknown) => e instanceof OptionError && /no <Content> field/.test(e.message));
  assert.throws(() => compileFormat(''), OptionError);
  assert.throws(() => compileFormat('<Date> <Date> <Content>'), /appears twice/);
  assert.throws(() => compileFormat('<Date><Time> <Content>'), /touch/);
  assert.throws(() => compileFormat('<Date> (x <Content>'), /optional part/);
  assert.throws(() => compileFormat('<Date> <1bad> <Content>'), /does not start a field/);
  assert.throws(() => compileFormat('<Date> ) <Content>'), /closes nothing/);
});

test('matching stays linear on a long line that lacks the last separator', () => {
  // With loghub's lazy groups this line costs ~C(5000, 4) steps; here it is one pass.
  const f = compileFormat(LOGHUB_FORMATS.HDFS!);
  const t0 = performance.now();
  assert.equal(matchHeader(f, 'a '.repeat(5000)), null);
  assert.equal(matchHeader(compileFormat(LOGHUB_FORMATS.Windows!), ' '.repeat(20000) + 'x'), null);
  assert.ok(performance.now() - t0 < 200, `took ${performance.now() - t0} ms`);
});

test('detection picks the loghub format of each system from a few lines, and the whole line when none fits', () => {
  const cases: Record<string, string[]> = {
    Spark: ['17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi', '17/06/09 20:10:41 INFO Remoting: Starting remoting'],
    HDFS: ['081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating'],
    Proxifier: ['[10.30 16:49:06] chrome.exe - proxy.cse.cuhk.edu.hk:5070 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS', '[10.30 16:51:56] svchost.exe *64 - proxy.cse.cuhk.edu.hk:5070 close, 303 bytes sent'],
    HealthApp: ['20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579'],
  };
  for (const [system, lines] of Object.entries(cases)) assert.equal(detectFormat(lines).name, system);
  const none = detectFormat(['hello world', 'just words']);
  assert.equal(none.name, 'none');
  assert.equal(matchHeader(none.format, 'hello world')?.Content, 'hello world');
});
