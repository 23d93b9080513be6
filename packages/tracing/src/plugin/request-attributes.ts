import type { Attributes } from '@opentelemetry/api'
import {
  ATTR_CLIENT_ADDRESS, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_REQUEST_METHOD_ORIGINAL, ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_PATH, ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL
} from '@opentelemetry/semantic-conventions'
import type { FastifyRequest } from 'fastify'
import type { RouteTracing } from './route-state.js'

interface HostParts {
  readonly address: string
  readonly port: number | undefined
}

/** `host[:port]` or `[v6]:port` → address (brackets dropped) and port, undefined when absent. */
export function splitHost (host: string): HostParts {
  let address = host
  let rest = ''
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    address = end === -1 ? host.slice(1) : host.slice(1, end)
    rest = end === -1 ? '' : host.slice(end + 1)
  } else {
    const colon = host.indexOf(':')
    if (colon !== -1) {
      address = host.slice(0, colon)
      rest = host.slice(colon)
    }
  }
  const port = rest.startsWith(':') ? Number(rest.slice(1)) : NaN
  return { address, port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined }
}

/** The HTTP server span attributes of the current semantic conventions that are known when the request starts. */
export function requestAttributes (request: FastifyRequest, route: RouteTracing): Attributes {
  const url = request.url
  const query = url.indexOf('?')
  const scheme = request.protocol
  const { address, port } = splitHost(request.host)
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: route.method,
    [ATTR_URL_PATH]: query === -1 ? url : url.slice(0, query),
    [ATTR_URL_SCHEME]: scheme,
    [ATTR_SERVER_ADDRESS]: address,
    [ATTR_SERVER_PORT]: port ?? (scheme === 'https' ? 443 : 80),
    [ATTR_CLIENT_ADDRESS]: request.ip
  }
  // Recommended only when it is not the default, 1.1.
  const version = request.raw.httpVersion
  if (version !== '1.1') attributes[ATTR_NETWORK_PROTOCOL_VERSION] = version
  if (route.route !== undefined) attributes[ATTR_HTTP_ROUTE] = route.route
  if (route.originalMethod !== undefined) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = route.originalMethod
  const userAgent = request.headers['user-agent']
  if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent
  return attributes
}
