import { type Env, readIntegerEnv } from './env.js'

/** A batch processor's settings (spans' and logs' alike); what is not set keeps the SDK's default. */
export interface BatchConfig {
  scheduledDelayMillis?: number
  exportTimeoutMillis?: number
  maxQueueSize?: number
  maxExportBatchSize?: number
}

/** Each variable after its prefix, the setting it gives and its least valid value. */
const BATCH_VARIABLES: ReadonlyArray<readonly [string, keyof BatchConfig, number]> = [
  ['SCHEDULE_DELAY', 'scheduledDelayMillis', 0],
  ['EXPORT_TIMEOUT', 'exportTimeoutMillis', 0],
  ['MAX_QUEUE_SIZE', 'maxQueueSize', 1],
  ['MAX_EXPORT_BATCH_SIZE', 'maxExportBatchSize', 1]
]

/**
 * `OTEL_BSP_*` (spans) or `OTEL_BLRP_*` (log records). The SDK's batch processors read these
 * themselves up to OpenTelemetry JS 2; from 3 on they take options only, and reading the
 * environment is left to whoever builds them.
 */
export function batchFromEnv (env: Env, prefix: 'OTEL_BSP_' | 'OTEL_BLRP_'): BatchConfig {
  const batch: BatchConfig = {}
  for (const [name, key, min] of BATCH_VARIABLES) {
    const value = readIntegerEnv(env, `${prefix}${name}`, min)
    if (value !== undefined) batch[key] = value
  }
  return batch
}
