import { type Env, readBooleanEnv as readBoolean, readIntegerEnv as readInteger, readPairsEnv as readPairs, warnEnv as warn } from '@obs/core'

export { type Env, readEnv, readListEnv } from '@obs/core'

// @obs/tracing's warnings about the variables it reads carry its own code.
const CODE = 'OBS_TRACING_INVALID_ENV'

export const warnEnv = (name: string, value: string, why: string): void => warn(name, value, why, CODE)

/**
 * The warning for a variable whose value may hold a credential (an endpoint's userinfo or a token
 * in its query): it names the variable and says what is wrong, never the value, which the
 * process's warnings (often shipped to a log store) would otherwise carry.
 */
export function warnEnvWithoutValue (name: string, why: string): void {
  process.emitWarning(`Ignoring ${name} (value not shown: it may hold credentials): ${why}`, { code: CODE })
}
export const readBooleanEnv = (env: Env, name: string): boolean | undefined => readBoolean(env, name, CODE)
export const readIntegerEnv = (env: Env, name: string, min: number): number | undefined => readInteger(env, name, min, CODE)
export const readPairsEnv = (env: Env, name: string): Record<string, string> | undefined => readPairs(env, name, CODE)
