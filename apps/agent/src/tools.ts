/** A tool the model may ask for: a name and a function of its input. */
export type Tool = (input: string) => string | Promise<string>

const BINARY = /^\s*(-?\d+(?:\.\d+)?)\s*([-+*/])\s*(-?\d+(?:\.\d+)?)\s*$/

/** Binary arithmetic only, parsed, never evaluated as code. */
export function calculator (input: string): string {
  const match = BINARY.exec(input)
  if (match === null) throw Object.assign(new Error(`cannot calculate "${input}"`), { code: 'BAD_TOOL_INPUT' })
  const [a, op, b] = [Number(match[1]), match[2], Number(match[3])]
  if (op === '/' && b === 0) throw Object.assign(new RangeError('division by zero'), { code: 'DIVISION_BY_ZERO' })
  const value = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b
  return String(Math.round(value * 1e9) / 1e9)
}

export function clock (): string {
  return new Date().toISOString()
}

export const TOOLS: Readonly<Record<string, Tool>> = Object.freeze({ calculator, clock })
