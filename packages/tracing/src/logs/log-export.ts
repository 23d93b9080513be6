import type { Logger } from '@opentelemetry/api'
import type { Resource } from '@opentelemetry/resources'
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs'
import { createOtlpLogExporter, type ExportObservers } from '../sdk/otlp-exporters.js'
import { VERSION } from '../version.js'
import { lineToRecord } from './line-to-record.js'
import type { LogsConfig } from './logs-config.js'

/** Where the logger preset hands its written lines when logs go over OTLP. */
export interface LogSink {
  /** One written line (JSON, redacted); exported in a batch. Never throws. */
  write (line: string): void
  forceFlush (): Promise<void>
  shutdown (): Promise<void>
}

/**
 * Lines of the logger preset as OTLP log records: an OpenTelemetry `LoggerProvider` with the
 * traces' resource and a batch processor into an OTLP exporter, its exports and queue drops
 * counted in the SDK's self-metrics.
 */
export function createLogExport (config: Extract<LogsConfig, { kind: 'otlp' }>, resource: Resource, observers: ExportObservers): LogSink {
  const provider = new LoggerProvider({
    resource,
    processors: [new BatchLogRecordProcessor({
      ...config.batch,
      exporter: createOtlpLogExporter(config.target, observers),
      selfObsMeterProvider: observers.selfMetrics.meterProvider
    })]
  })
  const logger: Logger = provider.getLogger('@obs/tracing', VERSION)
  let stopped = false
  return {
    write (line) {
      if (stopped) return
      try {
        const record = lineToRecord(line)
        if (record !== undefined) logger.emit(record)
      } catch {
        // A line that cannot become a record is still on stdout; the request goes on.
      }
    },
    forceFlush: () => provider.forceFlush(),
    async shutdown () {
      stopped = true
      await provider.shutdown()
    }
  }
}
