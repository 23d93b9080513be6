import { assertKnownOptions, isNonNegativeNumber, isPositiveNumber } from '@obs/core'
import type { FastifyBaseLogger } from 'fastify'
import { DuplicateCheckError, InvalidCheckError } from '../errors.js'
import { type CheckDefinition, type Probe, RegisteredCheck } from './registered-check.js'

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const PROBES: readonly Probe[] = ['live', 'ready', 'startup']

// Every key of a definition, so that a misspelled one (`critcal`) is an error, not a default.
const DEFINITION_KEYS: Record<keyof CheckDefinition, true> = {
  name: true, check: true, timeoutMs: true, critical: true, probes: true, cacheTtlMs: true, refreshIntervalMs: true
}

/** Every check of one plugin instance, validated when added and listed per probe. */
export class CheckRegistry {
  private readonly checks = new Map<string, RegisteredCheck>()
  private readonly byProbe = new Map<Probe, RegisteredCheck[]>(PROBES.map((probe) => [probe, []]))
  private running = false

  constructor (private readonly deadlineMs: number, private readonly defaultTimeoutMs: number, private readonly log: FastifyBaseLogger) {}

  add (definition: CheckDefinition): RegisteredCheck {
    if (definition === null || typeof definition !== 'object') throw new InvalidCheckError('?', 'expected an object with a name and a check function')
    const { name } = definition
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new InvalidCheckError(String(name), 'the name must be 1 to 64 letters, digits, "_", "." or "-", starting with a letter or digit')
    }
    assertKnownOptions(definition, DEFINITION_KEYS, InvalidCheckError, `${name}.`)
    if (this.checks.has(name)) throw new DuplicateCheckError(name)
    if (typeof definition.check !== 'function') throw new InvalidCheckError(name, '"check" must be a function')
    const timeoutMs = definition.timeoutMs ?? this.defaultTimeoutMs
    if (!isPositiveNumber(timeoutMs)) throw new InvalidCheckError(name, '"timeoutMs" must be a positive number')
    if (definition.critical !== undefined && typeof definition.critical !== 'boolean') throw new InvalidCheckError(name, '"critical" must be a boolean')
    const probes = definition.probes ?? ['ready']
    if (!Array.isArray(probes) || probes.length === 0 || !probes.every((probe) => PROBES.includes(probe))) {
      throw new InvalidCheckError(name, '"probes" must be a non-empty array of "live", "ready" and "startup"')
    }
    for (const key of ['cacheTtlMs', 'refreshIntervalMs'] as const) {
      if (definition[key] !== undefined && !isNonNegativeNumber(definition[key])) throw new InvalidCheckError(name, `"${key}" must be a number of ms, 0 or more`)
    }

    const check = new RegisteredCheck({
      name,
      check: definition.check,
      // A check may not outlive the probe that waits for it.
      timeoutMs: Math.min(timeoutMs, this.deadlineMs),
      critical: definition.critical ?? true,
      probes: new Set(probes),
      cacheTtlMs: definition.cacheTtlMs ?? 0,
      refreshIntervalMs: definition.refreshIntervalMs ?? 0
    }, this.log)
    this.checks.set(name, check)
    for (const probe of check.settings.probes) this.byProbe.get(probe)!.push(check)
    if (this.running) check.start()
    return check
  }

  forProbe (probe: Probe): readonly RegisteredCheck[] {
    return this.byProbe.get(probe)!
  }

  all (): Iterable<RegisteredCheck> {
    return this.checks.values()
  }

  /** Starts background refreshes (at onReady); checks added later start at once. */
  start (): void {
    this.running = true
    for (const check of this.checks.values()) check.start()
  }

  stop (): void {
    this.running = false
    for (const check of this.checks.values()) check.stop()
  }
}
