import { type Env, readBooleanEnv as readBoolean, readIntegerEnv as readInteger, readPairsEnv as readPairs, warnEnv as warn } from '@obs/core'

export { type Env, readEnv, readListEnv } from '@obs/core'

// @obs/tracing's warnings about the variables it reads carry its own code.
const CODE = 'OBS_TRACING_INVALID_ENV'

export const warnEnv = (name: string, value: string | undefined, why: string): void => warn(name, value, why, CODE)
export const readBooleanEnv = (env: Env, name: string): boolean | undefined => readBoolean(env, name, CODE)
export const readIntegerEnv = (env: Env, name: string, min: number): number | undefined => readInteger(env, name, min, CODE)
export const readPairsEnv = (env: Env, name: string): Record<string, string> | undefined => readPairs(env, name, CODE)
