import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export interface Asset {
  type: string
  body: Buffer
  gzip: Buffer
  etag: string
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8'
}

/** The page's own files, shipped in the package's `assets/` folder. */
export const OWN_ASSETS = ['console.css', 'common.js', 'charts.js', 'overview.js', 'traces.js', 'logs.js', 'alerts.js', 'metrics.js'] as const
/** uPlot's browser build and stylesheet, served from the installed dependency. */
export const UPLOT_ASSETS = ['uPlot.iife.min.js', 'uPlot.min.css'] as const

function load (file: string): Asset {
  const body = readFileSync(file)
  return {
    type: TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
    body,
    gzip: gzipSync(body, { level: 9 }),
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
  }
}

/**
 * Every file the pages load, read and compressed once at registration: nothing comes from a
 * CDN, and serving one is a map lookup.
 */
export function loadAssets (): Map<string, Asset> {
  const own = fileURLToPath(new URL('../../assets/', import.meta.url))
  const uplot = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist')
  const assets = new Map<string, Asset>()
  for (const name of OWN_ASSETS) assets.set(name, load(join(own, name)))
  for (const name of UPLOT_ASSETS) assets.set(name, load(join(uplot, name)))
  return assets
}
