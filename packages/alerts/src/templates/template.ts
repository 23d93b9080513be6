import { InvalidTemplateError } from '../errors.js'
import { LABEL_NAME } from '../promql/matchers.js'
import { formatE, formatF, formatG, humanize, humanizeDuration, humanizePercentage } from './go-format.js'

/**
 * Annotation templates are written in Prometheus' template language (Go text/template), so that
 * the exported rules carry them unchanged. The in-process engine renders this subset, which is
 * checked at registration:
 *
 *   {{ $value }}  {{ .Value }}  {{ $labels.route }}  {{ .Labels.route }}
 *   {{ $value | humanize }}  | humanizePercentage  | humanizeDuration  | printf "%.2f"
 *   {{ printf "%.1f%%" $value }}  {{ $labels.route | toUpper }}  | toLower
 *
 * `$labels` are the labels of the expression's sample (not the rule's own labels), as in Prometheus.
 */

type Operand = { kind: 'value' } | { kind: 'label', name: string } | { kind: 'string', text: string }
type Fn =
  | { kind: 'humanize' | 'humanizePercentage' | 'humanizeDuration' | 'toUpper' | 'toLower' }
  | { kind: 'printf', format: string, args: Operand[] }

interface Action { operand: Operand | undefined, fns: Fn[] }
export type CompiledTemplate = ReadonlyArray<string | Action>

export interface TemplateData {
  value: number
  labels: Readonly<Record<string, string>>
}

const NUMBER_FNS = new Set(['humanize', 'humanizePercentage', 'humanizeDuration'])
const STRING_FNS = new Set(['toUpper', 'toLower'])

/** Parses and checks a template; `where` names it in errors (`rules[0].annotations.summary`). */
export function compileTemplate (source: string, where: string): CompiledTemplate {
  if (typeof source !== 'string') throw new InvalidTemplateError(where, 'expected a string')
  const out: Array<string | Action> = []
  let at = 0
  while (at < source.length) {
    const open = source.indexOf('{{', at)
    if (open === -1) {
      out.push(source.slice(at))
      break
    }
    if (open > at) out.push(source.slice(at, open))
    const close = source.indexOf('}}', open + 2)
    if (close === -1) throw new InvalidTemplateError(where, `unclosed "{{" at position ${open}`)
    out.push(parseAction(source.slice(open + 2, close), where))
    at = close + 2
  }
  return out
}

export function renderTemplate (template: CompiledTemplate, data: TemplateData): string {
  let out = ''
  for (const part of template) out += typeof part === 'string' ? part : runAction(part, data)
  return out
}

function tokenize (text: string, where: string): string[] {
  const tokens: string[] = []
  const re = /\s*("(?:[^"\\]|\\.)*"|\||[^\s|"]+)/y
  re.lastIndex = 0
  while (re.lastIndex < text.length) {
    const start = re.lastIndex
    const match = re.exec(text)
    if (match === null) {
      if (text.slice(start).trim() === '') break
      throw new InvalidTemplateError(where, `cannot read "{{${text}}}"`)
    }
    tokens.push(match[1]!)
  }
  return tokens
}

function parseOperand (token: string | undefined, where: string): Operand | undefined {
  if (token === undefined) return undefined
  if (token === '$value' || token === '.Value') return { kind: 'value' }
  const label = /^(?:\$labels|\.Labels)\.(.+)$/.exec(token)
  if (label !== null) {
    if (!LABEL_NAME.test(label[1]!)) throw new InvalidTemplateError(where, `"${label[1]}" is not a label name`)
    return { kind: 'label', name: label[1]! }
  }
  if (token.startsWith('"')) {
    try {
      return { kind: 'string', text: JSON.parse(token) as string }
    } catch {
      throw new InvalidTemplateError(where, `bad string literal ${token}`)
    }
  }
  return undefined
}

function parseAction (text: string, where: string): Action {
  if (/^\s*-|-\s*$/.test(text) || /^\s*\//.test(text)) {
    throw new InvalidTemplateError(where, `"{{${text}}}": trim markers and comments are not supported`)
  }
  const tokens = tokenize(text, where)
  if (tokens.length === 0) throw new InvalidTemplateError(where, 'empty action "{{}}"')
  const commands: string[][] = [[]]
  for (const token of tokens) {
    if (token === '|') commands.push([])
    else commands[commands.length - 1]!.push(token)
  }
  if (commands.some((c) => c.length === 0)) throw new InvalidTemplateError(where, `"{{${text}}}": empty command in a pipeline`)

  const action: Action = { operand: undefined, fns: [] }
  commands.forEach((command, index) => {
    const operand = parseOperand(command[0], where)
    if (operand !== undefined) {
      if (index !== 0 || command.length !== 1) throw new InvalidTemplateError(where, `"{{${text}}}": unexpected "${command.join(' ')}"`)
      action.operand = operand
      return
    }
    action.fns.push(parseFn(command, index > 0, text, where))
  })
  // Check the types along the pipeline now, so that rendering can never fail.
  let type: 'number' | 'string' | undefined = action.operand === undefined ? undefined : action.operand.kind === 'value' ? 'number' : 'string'
  for (const fn of action.fns) {
    if (NUMBER_FNS.has(fn.kind)) {
      if (type !== 'number') throw new InvalidTemplateError(where, `"{{${text}}}": ${fn.kind} takes $value`)
      type = 'string'
    } else if (STRING_FNS.has(fn.kind)) {
      if (type !== 'string') throw new InvalidTemplateError(where, `"{{${text}}}": ${fn.kind} takes a string such as $labels.name`)
    } else if (fn.kind === 'printf') {
      const args = [...fn.args.map(operandType), ...(type === undefined ? [] : [type])]
      checkPrintf(fn.format, args, `"{{${text}}}"`, where)
      type = 'string'
    }
  }
  if (type === undefined) throw new InvalidTemplateError(where, `"{{${text}}}": nothing to print`)
  return action
}

function operandType (operand: Operand): 'number' | 'string' {
  return operand.kind === 'value' ? 'number' : 'string'
}

function parseFn (command: string[], piped: boolean, text: string, where: string): Fn {
  const [name, ...rest] = command
  if (name === 'printf') {
    const format = parseOperand(rest[0], where)
    if (format?.kind !== 'string') throw new InvalidTemplateError(where, `"{{${text}}}": printf needs a format string first`)
    const args = rest.slice(1).map((token) => {
      const operand = parseOperand(token, where)
      if (operand === undefined) throw new InvalidTemplateError(where, `"{{${text}}}": unknown printf argument "${token}"`)
      return operand
    })
    return { kind: 'printf', format: format.text, args }
  }
  if (name !== undefined && (NUMBER_FNS.has(name) || STRING_FNS.has(name))) {
    if (rest.length > 0 || !piped) throw new InvalidTemplateError(where, `"{{${text}}}": use ${name} in a pipeline, as in {{ $value | ${name} }}`)
    return { kind: name as 'humanize' }
  }
  throw new InvalidTemplateError(where, `"{{${text}}}": "${name}" is not supported (supported: $value, $labels.<name>, humanize, humanizePercentage, humanizeDuration, printf, toUpper, toLower)`)
}

const VERB = /%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g

function checkPrintf (format: string, args: Array<'number' | 'string'>, action: string, where: string): void {
  let index = 0
  for (const match of format.matchAll(VERB)) {
    const verb = match[4]!
    if (verb === '%') continue
    if (match[1] !== '' || match[2] !== undefined) throw new InvalidTemplateError(where, `${action}: printf flags and widths are not supported`)
    const type = args[index++]
    if (type === undefined) throw new InvalidTemplateError(where, `${action}: more verbs than arguments`)
    const ok = verb === 'v' || (type === 'number' ? 'fge'.includes(verb) : verb === 's')
    if (!ok) throw new InvalidTemplateError(where, `${action}: %${verb} does not print a ${type}`)
  }
  if (index !== args.length) throw new InvalidTemplateError(where, `${action}: more arguments than verbs`)
}

function printf (format: string, args: Array<number | string>): string {
  let index = 0
  return format.replace(VERB, (_all, _flags: string, _width: string | undefined, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%'
    const arg = args[index++]!
    if (typeof arg === 'string') return arg
    const places = precision === undefined ? undefined : Number(precision)
    if (verb === 'f') return formatF(arg, places ?? 6)
    if (verb === 'e') return formatE(arg, places ?? 6)
    return formatG(arg, verb === 'g' ? places : undefined)
  })
}

function operandValue (operand: Operand, data: TemplateData): number | string {
  if (operand.kind === 'value') return data.value
  if (operand.kind === 'label') return data.labels[operand.name] ?? ''
  return operand.text
}

function runAction (action: Action, data: TemplateData): string {
  let current = action.operand === undefined ? undefined : operandValue(action.operand, data)
  for (const fn of action.fns) {
    switch (fn.kind) {
      case 'humanize': current = humanize(current as number); break
      case 'humanizePercentage': current = humanizePercentage(current as number); break
      case 'humanizeDuration': current = humanizeDuration(current as number); break
      case 'toUpper': current = (current as string).toUpperCase(); break
      case 'toLower': current = (current as string).toLowerCase(); break
      case 'printf': {
        const args = fn.args.map((a) => operandValue(a, data))
        if (current !== undefined) args.push(current)
        current = printf(fn.format, args)
        break
      }
    }
  }
  return typeof current === 'number' ? formatG(current) : current ?? ''
}
