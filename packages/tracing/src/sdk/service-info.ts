import type { Env } from './env.js'

export interface ServiceOptions {
  /** `service.name`; default `OTEL_SERVICE_NAME`, then `OTEL_RESOURCE_ATTRIBUTES`, then the npm package name. */
  serviceName?: string
  /** `service.version`; default from `OTEL_RESOURCE_ATTRIBUTES`, then the npm package version. */
  serviceVersion?: string
  /** `deployment.environment.name`, e.g. `production`; default from `OTEL_RESOURCE_ATTRIBUTES`. */
  environment?: string
}

export interface ServiceInfo {
  readonly name: string
  readonly version: string | undefined
  readonly environment: string | undefined
}

/**
 * Who is emitting, for spans and logs alike: options first, then the standard variables, then
 * what npm or pnpm tell a script they run (`npm_package_name`, `npm_package_version`).
 */
export function resolveServiceInfo (options: ServiceOptions, env: Env, resourceAttributes: Readonly<Record<string, string>>): ServiceInfo {
  const fromEnv = (value: string | undefined): string | undefined => value === undefined || value.trim() === '' ? undefined : value.trim()
  return {
    name: options.serviceName ?? fromEnv(env.OTEL_SERVICE_NAME) ?? resourceAttributes['service.name'] ??
      fromEnv(env.npm_package_name) ?? `unknown_service:${process.argv0}`,
    version: options.serviceVersion ?? resourceAttributes['service.version'] ?? fromEnv(env.npm_package_version),
    environment: options.environment ?? resourceAttributes['deployment.environment.name'] ?? resourceAttributes['deployment.environment']
  }
}
