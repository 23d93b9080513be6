// Who is emitting, as an OpenTelemetry resource: the attributes every signal of one service shares,
// read from the options and the standard variables the same way by every package that exports.
import { hostname } from 'node:os'
import { type Env, readEnv, readPairsEnv } from './otel-env.js'

export type ResourceValue = string | number | boolean

export interface ResourceOptions {
  /** `service.name`: wins over `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`. */
  serviceName?: string
  /** More attributes; they win over `OTEL_RESOURCE_ATTRIBUTES` (but not over `serviceName`). */
  resource?: Readonly<Record<string, ResourceValue>>
}

/**
 * The resource attributes of this process: host and process first, then `OTEL_RESOURCE_ATTRIBUTES`,
 * then the options; `service.name` from the option, else `OTEL_SERVICE_NAME`, else the variables,
 * else the npm package name a script runs under, else `unknown_service:<argv0>` as the
 * specification asks. `code` names the package whose warning an invalid variable gets.
 */
export function resolveResourceAttributes (options: ResourceOptions, env: Env, code: string): Record<string, ResourceValue> {
  const fromEnv = readPairsEnv(env, 'OTEL_RESOURCE_ATTRIBUTES', code) ?? {}
  const attributes: Record<string, ResourceValue> = {
    'host.name': hostname(),
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'telemetry.sdk.language': 'nodejs',
    ...fromEnv,
    ...options.resource
  }
  const version = readEnv(env, 'npm_package_version')
  if (attributes['service.version'] === undefined && version !== undefined) attributes['service.version'] = version
  attributes['service.name'] = options.serviceName ?? options.resource?.['service.name'] ?? readEnv(env, 'OTEL_SERVICE_NAME') ??
    fromEnv['service.name'] ?? readEnv(env, 'npm_package_name') ?? `unknown_service:${process.argv0}`
  return attributes
}
