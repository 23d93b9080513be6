import { type ChildProcess, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { waitFor } from './wait-for.js'

export interface Daemon {
  /** Its stderr so far (the last 20 kB). */
  log (): string
  /** SIGTERM, wait for the exit, remove `dir`. */
  stop (): Promise<void>
}

/**
 * Runs a server binary (Prometheus, Alertmanager) until `stop()`: waits until `readyUrl` answers
 * 2xx, fails with its stderr if it exits first, and removes its throwaway `dir` when stopped.
 */
export async function startDaemon (name: string, binary: string, args: readonly string[], readyUrl: string, dir: string): Promise<Daemon> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { log = (log + chunk).slice(-20_000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(`${name} to be ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${log}`)
      const response = await fetch(readyUrl)
      return response.ok ? true : undefined
    })
  } catch (error) {
    await stop()
    throw error
  }
  return { log: () => log, stop }
}
