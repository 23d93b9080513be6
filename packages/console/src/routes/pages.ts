import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NotFoundError } from '../errors.js'
import type { Asset } from './assets.js'
import { renderPage, VIEWS, type PageSettings } from './views.js'

/** Sent with every page: the page loads only its own files and cannot be framed. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/**
 * The views (one URL each, plus `traces/:traceId` for one trace) and their files. Pages are
 * rendered once, at registration; files are sent gzipped to browsers that take it.
 */
export function registerPages (scope: FastifyInstance, settings: PageSettings, assets: ReadonlyMap<string, Asset>, routeOptions: Record<string, unknown>): void {
  const { prefix } = settings
  const page = (html: string) => async (_request: FastifyRequest, reply: FastifyReply) => {
    return reply
      .header('cache-control', 'no-store')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .type('text/html; charset=utf-8')
      .send(html)
  }
  for (const view of VIEWS) {
    const handler = page(renderPage(view, settings))
    scope.get(`${prefix}${view.path}`, routeOptions, handler)
    if (view.id === 'traces') scope.get(`${prefix}traces/:traceId`, routeOptions, handler)
  }
  // `/obs` (no slash) to the overview, whose relative links need the slash.
  if (prefix.length > 1) {
    scope.get(prefix.slice(0, -1), routeOptions, async (_request, reply) => reply.redirect(prefix))
  }

  scope.get<{ Params: { file: string } }>(`${prefix}assets/:file`, routeOptions, async (request, reply) => {
    const asset = assets.get(request.params.file)
    if (asset === undefined) throw new NotFoundError('file', request.params.file)
    reply.header('cache-control', 'no-cache').header('etag', asset.etag).header('vary', 'accept-encoding').type(asset.type)
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send()
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(asset.gzip)
    }
    return reply.send(asset.body)
  })
}
