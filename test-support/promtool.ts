import { requireBinary } from './binaries.js'
import { run, type RunResult } from './run.js'

const promtool = (): string => requireBinary('PROMTOOL', 'promtool')

/** `promtool check metrics` on an exposition (stdin): exit code 0 means it parsed and linted clean. */
export function checkMetrics (exposition: string): Promise<RunResult> {
  return run(promtool(), ['check', 'metrics'], exposition)
}

/** `promtool check rules FILE…`. */
export function checkRules (...files: string[]): Promise<RunResult> {
  return run(promtool(), ['check', 'rules', ...files])
}

/** `promtool test rules FILE…`: rule unit tests. */
export function testRules (...files: string[]): Promise<RunResult> {
  return run(promtool(), ['test', 'rules', ...files])
}

/**
 * `promtool check metrics` on an OpenMetrics exposition. promtool only has the 0.0.4 text
 * parser, which reads OpenMetrics except for one difference that OpenMetrics requires: a
 * counter family `x` has samples `x_total`, which the text linter reports as "no help text".
 * Returns every other finding (a parse error included); an empty list is a pass.
 */
export async function checkOpenMetrics (exposition: string): Promise<string[]> {
  const counters = new Set([...exposition.matchAll(/^# TYPE (\S+) counter$/gm)].map((m) => `${m[1]}_total`))
  const result = await checkMetrics(exposition)
  const findings = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '')
  return findings.filter((line) => {
    const match = /^(\S+) no help text$/.exec(line.trim())
    return match === null || !counters.has(match[1]!)
  })
}
