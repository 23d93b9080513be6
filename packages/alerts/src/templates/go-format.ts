// Number formatting as Go's fmt and Prometheus' template functions print it, so that an
// annotation reads the same whether the in-process engine or Prometheus filled it in.
// Checked against promtool's output in test/template.test.ts.

// Extra digits read past the rounding position: enough to see whether a double sits exactly
// half-way (its decimal expansion ends there), which JavaScript rounds up and Go to even.
const GUARD = 25

/** Rounds a string of digits to `keep` digits, half to even; returns the digits and the carry. */
function roundDigits (digits: string, keep: number): { digits: string, carry: boolean } {
  const head = digits.slice(0, keep)
  const rest = digits.slice(keep)
  const tie = /^50*$/.test(rest)
  const up = rest !== '' && (rest[0]! > '5' || (rest[0] === '5' && !tie) || (tie && Number(head.at(-1) ?? '0') % 2 === 1))
  if (!up) return { digits: head, carry: false }
  // Add one to the decimal string: trailing nines become zeros.
  let i = head.length - 1
  while (i >= 0 && head[i] === '9') i--
  if (i < 0) return { digits: `1${'0'.repeat(head.length)}`, carry: true }
  return { digits: `${head.slice(0, i)}${String(Number(head[i]) + 1)}${'0'.repeat(head.length - i - 1)}`, carry: false }
}

/** Decimal digits (no trailing zeros) and the position of the decimal point, as strconv keeps them. */
function decimal (v: number, significant: number | undefined): { digits: string, point: number } {
  if (significant === undefined) {
    // toExponential() without digits is the shortest representation that reads back as v.
    const [mantissa, exponent] = Math.abs(v).toExponential().split('e')
    return { digits: mantissa!.replace('.', '').replace(/0+$/, '') || '0', point: Number(exponent) + 1 }
  }
  const [mantissa, exponent] = Math.abs(v).toPrecision(Math.min(100, significant + GUARD)).split('e')
  let all = mantissa!.replace('.', '')
  let point = exponent === undefined ? mantissa!.indexOf('.') : Number(exponent) + 1
  if (exponent === undefined) {
    if (point === -1) point = all.length
    // toPrecision writes small numbers as 0.000ddd: drop the leading zeros, move the point.
    const zeros = /^0*/.exec(all)![0].length
    all = all.slice(zeros)
    point -= zeros
  }
  const { digits, carry } = roundDigits(all, significant)
  return { digits: digits.replace(/0+$/, '') || '0', point: carry ? point + 1 : point }
}

function nonFinite (v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return undefined
}

/** Go's `%g` (precision undefined: shortest, as `%v` and `{{ $value }}` print) and `%.Ng`. */
export function formatG (v: number, precision?: number): string {
  const special = nonFinite(v)
  if (special !== undefined) return special
  if (v === 0) return Object.is(v, -0) ? '-0' : '0'
  const sign = v < 0 ? '-' : ''
  const { digits, point } = decimal(v, precision)
  let eprec = precision ?? 6
  if (precision !== undefined && eprec > digits.length && digits.length >= point) eprec = digits.length
  const exp = point - 1
  if (exp < -4 || exp >= eprec) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const e = Math.abs(exp)
    return `${sign}${digits[0]}${fraction}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
  }
  const places = Math.max(digits.length - point, 0)
  return sign + fixedFromDigits(digits, point, places)
}

function fixedFromDigits (digits: string, point: number, places: number): string {
  let integer = ''
  for (let i = 0; i < point; i++) integer += digits[i] ?? '0'
  let fraction = ''
  for (let i = point; i < point + places; i++) fraction += i < 0 ? '0' : digits[i] ?? '0'
  return `${integer || '0'}${places > 0 ? `.${fraction}` : ''}`
}

/** Go's `%.Nf`. */
export function formatF (v: number, places = 6): string {
  const special = nonFinite(v)
  if (special !== undefined) return special
  const sign = v < 0 || Object.is(v, -0) ? '-' : ''
  if (Math.abs(v) >= 1e21) {
    // toFixed switches to exponent notation from 1e21; such doubles are integers, so print them exactly.
    return `${sign}${BigInt(Math.abs(v)).toString()}${places > 0 ? `.${'0'.repeat(places)}` : ''}`
  }
  const [integer, fraction = ''] = Math.abs(v).toFixed(Math.min(100, places + GUARD)).split('.')
  const { digits, carry } = roundDigits(integer! + fraction, integer!.length + places)
  const point = integer!.length + (carry ? 1 : 0)
  const whole = digits.slice(0, point) || '0'
  return `${sign}${whole}${places > 0 ? `.${digits.slice(point).padEnd(places, '0')}` : ''}`
}

/** Go's `%.Ne` (exponent of at least two digits). */
export function formatE (v: number, places = 6): string {
  const special = nonFinite(v)
  if (special !== undefined) return special
  const [mantissa, exponent] = v.toExponential(places).split('e')
  const e = Number(exponent)
  return `${mantissa}e${e < 0 ? '-' : '+'}${Math.abs(e) < 10 ? '0' : ''}${Math.abs(e)}`
}

const BIG = ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']
const SMALL = ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']

/** Prometheus' `humanize`: SI prefixes, four significant digits (`1234567` → `1.235M`). */
export function humanize (v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4)
  let prefix = ''
  if (Math.abs(v) >= 1) {
    for (const p of BIG) {
      if (Math.abs(v) < 1000) break
      prefix = p
      v /= 1000
    }
  } else {
    for (const p of SMALL) {
      if (Math.abs(v) >= 1) break
      prefix = p
      v *= 1000
    }
  }
  return formatG(v, 4) + prefix
}

/** Prometheus' `humanizePercentage`: `0.0512` → `5.12%`. */
export function humanizePercentage (v: number): string {
  return `${formatG(v * 100, 4)}%`
}

/** Prometheus' `humanizeDuration` of seconds: `93784.5` → `1d 2h 3m 4s`, `0.05` → `50ms`. */
export function humanizeDuration (v: number): string {
  if (!Number.isFinite(v)) return formatG(v, 4)
  if (v === 0) return '0s'
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : ''
    const abs = Math.abs(v)
    const whole = Math.trunc(abs)
    const seconds = whole % 60
    const minutes = Math.trunc(whole / 60) % 60
    const hours = Math.trunc(whole / 3600) % 24
    const days = Math.trunc(whole / 86400)
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`
    return `${sign}${formatG(abs, 4)}s`
  }
  let prefix = ''
  for (const p of SMALL) {
    if (Math.abs(v) >= 1) break
    prefix = p
    v *= 1000
  }
  return `${formatG(v, 4)}${prefix}s`
}
