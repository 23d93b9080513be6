import { type ChildProcess, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'

export interface Daemon {
  /** Its stderr so far (the last 20 kB). */
  log (): string
  /** SIGTERM, wait for the exit (SIGKILL if it does not come in time), remove `dir`. */
  stop (): Promise<void>
}

export interface DaemonOptions {
  /** How long it may take to answer `readyUrl` with a 2xx. Default 30 s. */
  readyTimeoutMs?: number
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL. Default 10 s. */
  stopTimeoutMs?: number
}

/** Resolves after `ms`, or as soon as `early` settles; leaves no timer behind. */
function pause (ms: number, early: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    early.then(() => {
      clearTimeout(timer)
      resolve()
    }, () => {})
  })
}

/**
 * Runs a server binary (Prometheus, Alertmanager) until `stop()`: waits until `readyUrl` answers
 * 2xx, fails at once with its stderr if it exits first (by a code or a signal) or cannot be
 * started at all, and removes its throwaway `dir` when stopped.
 */
export async function startDaemon (
  name: string, binary: string, args: readonly string[], readyUrl: string, dir: string, options: DaemonOptions = {}
): Promise<Daemon> {
  const { readyTimeoutMs = 30_000, stopTimeoutMs = 10_000 } = options
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { log = (log + chunk).slice(-20_000) })
  /** How it ended, once it has: `exit code 1`, `signal SIGKILL`, or why it could not start. */
  let ended: string | undefined
  const exited = new Promise<void>((resolve) => {
    // 'error': it could not be spawned (or signalled); without a listener it would crash the test runner.
    child.on('error', (error) => {
      if (child.pid === undefined) {
        ended ??= `could not start ${binary}: ${error.message}`
        resolve()
      }
    })
    child.once('exit', (code, signal) => {
      ended ??= signal === null ? `exit code ${String(code)}` : `signal ${signal}`
      resolve()
    })
  })

  const stop = async (): Promise<void> => {
    if (ended === undefined) {
      child.kill('SIGTERM')
      await pause(stopTimeoutMs, exited)
      if (ended === undefined) {
        child.kill('SIGKILL')
        await exited
      }
    }
    await rm(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + readyTimeoutMs
  let lastError: unknown
  for (;;) {
    if (ended !== undefined) {
      await stop()
      throw new Error(`${name} ended before it was ready (${ended}): ${log}`)
    }
    if (Date.now() >= deadline) {
      await stop()
      throw new Error(`timed out after ${readyTimeoutMs} ms waiting for ${name} to be ready${lastError === undefined ? '' : ` (${String(lastError)})`}: ${log}`)
    }
    try {
      const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) })
      await response.body?.cancel()
      if (response.ok) break
      lastError = `${readyUrl} answered ${response.status}`
    } catch (error) {
      lastError = error
    }
    await pause(100, exited)
  }
  return { log: () => log, stop }
}
