import { console, type ConsolePushOptions } from './console.js'
import { otlp, type OtlpPushOptions } from './otlp.js'
import { statsd, type StatsdPushOptions } from './statsd.js'

/** Every kind of push sink, by its option name: each module owns its options, their check and its factory. */
export const SINKS = { otlp, statsd, console } as const

export type SinkName = keyof typeof SINKS

export interface SinkOptions {
  otlp?: OtlpPushOptions | boolean
  statsd?: StatsdPushOptions | boolean
  console?: ConsolePushOptions | boolean
}

export type { ConsolePushOptions, OtlpPushOptions, StatsdPushOptions }
