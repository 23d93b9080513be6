import type { Env, ResourceValue } from '@obs/core'
import type { PushSnapshot } from '../families.js'
import type { Slicer } from '../slices.js'

/** The settings every sink shares, from the `push` options and the `OTEL_METRIC_*` variables. */
export interface PushSettings {
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly resource: Readonly<Record<string, ResourceValue>>
}

export interface SinkContext {
  /** When pushing began (series seen at the first push start there). */
  readonly startMs: number
}

/** One destination of the push: it sends a snapshot or throws (the pusher counts and logs). */
export interface Sink {
  /** `otel_component_type` of the self-metrics, e.g. `otlp_http_metric_exporter`. */
  readonly componentType: string
  /** Where it sends, for logs: never with credentials. */
  readonly target: string
  readonly intervalMs: number
  readonly timeoutMs: number
  /** Sends one snapshot by `deadlineMs` (Date.now() time: the push's timeout); resolves with the data points sent. */
  export (snapshot: PushSnapshot, slicer: Slicer, deadlineMs: number): Promise<number>
  close (): Promise<void>
}

/**
 * A kind of sink: its option names, its check (coded errors for options, warnings for variables)
 * and its factory. Adding a sink is one module and one line in sinks/index.ts.
 */
export interface SinkModule<Options extends object, Resolved> {
  /** Every option name, so that a misspelled one is refused. */
  readonly options: Record<keyof Options, true>
  resolve (options: Options, settings: PushSettings, env: Env, at: string): Resolved
  create (resolved: Resolved, context: SinkContext): Sink
}

export const ENV_CODE = 'OBS_METRICS_INVALID_ENV'
