import { assertKnownOptions } from '@obs/core'
import { type BatchConfig, batchFromEnv } from '../sdk/batch-env.js'
import { type Env, readListEnv, warnEnv } from '../sdk/env.js'
import { InvalidOptionError } from '../errors.js'
import { type OtlpTarget, type OtlpTargetOptions, resolveOtlpTarget, validateOtlpTargetOptions } from '../sdk/otlp-target.js'

export type LogsExporterName = 'otlp' | 'none'

/** `initTracing({ logs })`: where the logger preset's lines go besides stdout. */
export interface LogsOptions extends Omit<OtlpTargetOptions, 'protocol'> {
  /** `otlp` exports every line as an OTLP log record; `none` (the default) keeps stdout alone. */
  exporter?: LogsExporterName
  /** HTTP/protobuf (the default) or gRPC: no OTLP/JSON log exporter is offered. */
  protocol?: 'http/protobuf' | 'grpc'
}

export type LogsConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'otlp', readonly target: OtlpTarget, readonly batch: Readonly<BatchConfig> }

const EXPORTERS: readonly LogsExporterName[] = ['otlp', 'none']
const OPTION_NAMES: Record<keyof LogsOptions, true> = {
  exporter: true, endpoint: true, headers: true, protocol: true, compression: true, timeoutMs: true
}

/** `OTEL_LOGS_EXPORTER`: `otlp` or `none` (`console` would only repeat stdout). */
function exporterFromEnv (env: Env): LogsExporterName | undefined {
  const names = readListEnv(env, 'OTEL_LOGS_EXPORTER')
  if (names === undefined || names.length === 0) return undefined
  if (names.length === 1 && (EXPORTERS as readonly string[]).includes(names[0]!)) return names[0] as LogsExporterName
  warnEnv('OTEL_LOGS_EXPORTER', names.join(','), `expected one of ${EXPORTERS.join(', ')} (stdout is always written)`)
  return undefined
}

/**
 * Logs over OTLP: off unless `logs.exporter` or `OTEL_LOGS_EXPORTER` says `otlp` (stdout stays the
 * default, as it was before logs could be exported); then `OTEL_EXPORTER_OTLP_LOGS_*` over
 * `OTEL_EXPORTER_OTLP_*`, and `OTEL_BLRP_*` for the batch processor.
 */
export function resolveLogsConfig (options: LogsOptions | undefined, env: Env): LogsConfig {
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
    throw new InvalidOptionError('logs', 'expected an object such as { exporter: "otlp" }')
  }
  assertKnownOptions(options, OPTION_NAMES, InvalidOptionError, 'logs.')
  const o = options ?? {}
  if (o.exporter !== undefined && !EXPORTERS.includes(o.exporter)) {
    throw new InvalidOptionError('logs.exporter', `expected one of ${EXPORTERS.join(', ')}`)
  }
  if ((o.protocol as string | undefined) === 'http/json') throw new InvalidOptionError('logs.protocol', 'expected http/protobuf or grpc (logs are not sent as JSON)')
  const name = o.exporter ?? exporterFromEnv(env) ?? 'none'
  if (name === 'none') {
    // Checked all the same: a typo must not wait for the day logs are turned on.
    validateOtlpTargetOptions(o, 'logs.')
    return { kind: 'none' }
  }
  let target = resolveOtlpTarget('logs', o, env, 'logs.')
  if (target.protocol === 'http/json') {
    warnEnv('OTEL_EXPORTER_OTLP_(LOGS_)PROTOCOL', 'http/json', 'logs are sent over http/protobuf or grpc; using http/protobuf')
    target = { ...target, protocol: 'http/protobuf' }
  }
  return { kind: 'otlp', target, batch: batchFromEnv(env, 'OTEL_BLRP_') }
}
