import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const packageDir = fileURLToPath(new URL('..', import.meta.url))
export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))

export interface ChildApp {
  port: number
  /** SIGTERM, then wait for the exit; resolves with the exit code and everything written to stderr. */
  stop (): Promise<{ code: number | null, stderr: string }>
}

/** Runs a fixture script with plain `node` to its end; resolves with its exit code and output. */
export async function runScript (args: string[], env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  if (!existsSync(new URL('../dist/register.js', import.meta.url))) throw new Error('dist/ is missing: run `pnpm build` first')
  const child = spawn(process.execPath, args, { cwd: packageDir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const code = await new Promise<number | null>((resolve, reject) => child.once('exit', resolve).once('error', reject))
  return { code, stdout, stderr }
}

/**
 * Starts a fixture app with plain `node` (no test loader), from the package directory so that
 * it imports `@obs/tracing` by name, as users do: from the build, so run `pnpm build` first.
 */
export async function startChildApp (args: string[], env: Record<string, string>): Promise<ChildApp> {
  if (!existsSync(new URL('../dist/register.js', import.meta.url))) throw new Error('dist/ is missing: run `pnpm build` first')
  const child = spawn(process.execPath, args, {
    cwd: packageDir,
    // Only what the app needs: no inherited OTEL_* or NODE_OPTIONS (the test runner's loader).
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const line = stdout.split('\n').find((l) => l.startsWith('{"port"'))
      if (line !== undefined) resolve((JSON.parse(line) as { port: number }).port)
    })
    exited.then((code) => reject(new Error(`the app exited (${code}) before listening: ${stderr}`)), reject)
  })
  return {
    port,
    async stop () {
      child.kill('SIGTERM')
      return { code: await exited, stderr }
    }
  }
}
