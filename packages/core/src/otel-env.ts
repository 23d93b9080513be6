// The OpenTelemetry environment variables' formats, read the way the configuration specification
// asks, for every package that honours them.
/** Environment variables as `process.env` holds them (tests pass their own object). */
export type Env = Readonly<Record<string, string | undefined>>

/**
 * Invalid `OTEL_*` values are warned about and then ignored, as the OpenTelemetry configuration
 * specification asks; options given in code are validated strictly instead. `code` names the
 * package that read the variable (`OBS_<PKG>_INVALID_ENV`). `value` is left out (undefined) for
 * variables that may hold a secret: headers, and URLs with credentials or tokens in them.
 */
export function warnEnv (name: string, value: string | undefined, why: string, code: string): void {
  process.emitWarning(`Ignoring ${name}${value === undefined ? '' : `=${JSON.stringify(value)}`}: ${why}`, { code })
}

/** A variable's trimmed value; undefined when unset or empty (the specification treats both alike). */
export function readEnv (env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

export function readBooleanEnv (env: Env, name: string, code: string): boolean | undefined {
  const value = readEnv(env, name)
  if (value === undefined) return undefined
  const lower = value.toLowerCase()
  if (lower === 'true') return true
  if (lower === 'false') return false
  warnEnv(name, value, 'expected true or false', code)
  return undefined
}

/** A whole number of at least `min`. */
export function readIntegerEnv (env: Env, name: string, min: number, code: string): number | undefined {
  const value = readEnv(env, name)
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (Number.isInteger(parsed) && parsed >= min) return parsed
  warnEnv(name, value, `expected a whole number, ${min} or more`, code)
  return undefined
}

/** `a, b ,c` → `['a', 'b', 'c']`, lower-cased. */
export function readListEnv (env: Env, name: string): string[] | undefined {
  const value = readEnv(env, name)
  return value?.split(',').map((item) => item.trim().toLowerCase()).filter((item) => item !== '')
}

/**
 * `key1=value1,key2=value2` with percent-encoded values, the format of
 * `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS`. A malformed list is ignored whole;
 * the warning names the item by its place and the key, never a value (headers carry API keys).
 */
export function readPairsEnv (env: Env, name: string, code: string): Record<string, string> | undefined {
  const value = readEnv(env, name)
  if (value === undefined) return undefined
  const pairs: Record<string, string> = {}
  const items = value.split(',')
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    if (item.trim() === '') continue
    const equals = item.indexOf('=')
    const key = equals === -1 ? '' : item.slice(0, equals).trim()
    if (key === '') {
      warnEnv(name, undefined, `item ${i + 1} of the list is not key=value; the whole list is ignored`, code)
      return undefined
    }
    try {
      pairs[key] = decodeURIComponent(item.slice(equals + 1).trim())
    } catch {
      warnEnv(name, undefined, `the value of "${key}" is not valid percent-encoding; the whole list is ignored`, code)
      return undefined
    }
  }
  return pairs
}
