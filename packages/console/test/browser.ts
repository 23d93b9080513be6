import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/** Debian's Chromium, as the tests and CI install it. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'
]

/** A headless Chromium with a fresh profile; `close()` ends it and removes the profile. */
export async function launchBrowser (): Promise<{ context: BrowserContext, close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'obs-console-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 }
  })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    }
  }
}

/** Serves `app` on 127.0.0.1 and opens a page in a fresh Chromium; both close when the test ends. */
export async function openInBrowser (t: { teardown: (fn: () => Promise<void>) => void }, app: FastifyInstance): Promise<{ base: string, page: Page }> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await launchBrowser()
  t.teardown(async () => {
    await browser.close()
    await app.close()
  })
  return { base: `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, page: await browser.context.newPage() }
}
