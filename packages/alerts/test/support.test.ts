import { mkdtemp, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import { startDaemon } from '../../../test-support/daemon.js'
import { freePort } from '../../../test-support/free-port.js'

// test-support's daemon runner starts the real Alertmanager of these tests (and Prometheus for
// other packages): a daemon that dies must fail the test at once, with its reason.

const node = process.execPath
const server = (port: number, extra = ''): string[] =>
  ['-e', `${extra}; require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1')`]

test('a daemon that answers its ready URL runs until stop(), which removes its directory', async (t) => {
  const port = await freePort()
  const dir = await mkdtemp(join(tmpdir(), 'obs-daemon-'))
  const daemon = await startDaemon('Server', node, server(port, 'console.error("listening")'), `http://127.0.0.1:${port}/`, dir)
  t.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'ok')
  await daemon.stop()
  t.match(daemon.log(), /listening/)
  await t.rejects(stat(dir), { code: 'ENOENT' })
})

test('a daemon that exits before it is ready fails at once, with its code and stderr', async (t) => {
  const port = await freePort()
  const started = Date.now()
  await t.rejects(startDaemon('Broken', node, ['-e', 'console.error("bad config line 3"); process.exit(3)'], `http://127.0.0.1:${port}/`, await mkdtemp(join(tmpdir(), 'obs-daemon-'))),
    { message: /^Broken ended before it was ready \(exit code 3\): bad config line 3/ })
  t.ok(Date.now() - started < 5000, `in ${Date.now() - started} ms, not after the 30 s ready timeout`)
})

test('a daemon killed by a signal before it is ready fails at once and says which', async (t) => {
  const port = await freePort()
  await t.rejects(startDaemon('Killed', node, ['-e', 'process.kill(process.pid, "SIGKILL")'], `http://127.0.0.1:${port}/`, await mkdtemp(join(tmpdir(), 'obs-daemon-'))),
    { message: /^Killed ended before it was ready \(signal SIGKILL\)/ })
})

test('a binary that cannot be started is an error, not a crash of the runner', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'obs-daemon-'))
  await t.rejects(startDaemon('Missing', join(dir, 'no-such-binary'), [], 'http://127.0.0.1:1/', dir),
    { message: /^Missing ended before it was ready \(could not start .*no-such-binary: spawn .* ENOENT\)/ })
  await t.rejects(stat(dir), { code: 'ENOENT' }, 'its directory removed')
})

test('stop() kills a daemon that ignores SIGTERM', async (t) => {
  const port = await freePort()
  const daemon = await startDaemon('Stubborn', node, server(port, 'process.on("SIGTERM", () => console.error("ignoring SIGTERM"))'),
    `http://127.0.0.1:${port}/`, await mkdtemp(join(tmpdir(), 'obs-daemon-')), { stopTimeoutMs: 300 })
  const started = Date.now()
  await daemon.stop()
  t.ok(Date.now() - started < 5000, `stopped in ${Date.now() - started} ms`)
  t.match(daemon.log(), /ignoring SIGTERM/, 'it got SIGTERM first')
  await t.rejects(fetch(`http://127.0.0.1:${port}/`), 'and is gone')
})
