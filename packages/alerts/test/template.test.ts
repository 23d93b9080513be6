import { test } from 'tap'
import { formatF, formatG, humanize, humanizeDuration, humanizePercentage } from '../src/go-format.js'
import { compileTemplate, renderTemplate } from '../src/template.js'

// What Prometheus 2.42 prints, read from `promtool test rules` for an annotation of
// '{{ $value }}|{{ $value | humanize }}|{{ $value | humanizePercentage }}|{{ $value | humanizeDuration }}|{{ printf "%.2f" $value }}'.
const PROMETHEUS: Array<[number, string]> = [
  [1000000, '1e+06|1M|1e+08%|11d 13h 46m 40s|1000000.00'],
  [123456, '123456|123.5k|1.235e+07%|1d 10h 17m 36s|123456.00'],
  [1234567, '1.234567e+06|1.235M|1.235e+08%|14d 6h 56m 7s|1234567.00'],
  [0.00001234, '1.234e-05|12.34u|0.001234%|12.34us|0.00'],
  [0.0001234, '0.0001234|123.4u|0.01234%|123.4us|0.00'],
  [1234.5, '1234.5|1.234k|1.234e+05%|20m 34s|1234.50'],
  [0.05, '0.05|50m|5%|50ms|0.05'],
  [93784.5, '93784.5|93.78k|9.378e+06%|1d 2h 3m 4s|93784.50'],
  [0, '0|0|0%|0s|0.00'],
  [-2.5, '-2.5|-2.5|-250%|-2.5s|-2.50'],
  [0.3333333333333333, '0.3333333333333333|333.3m|33.33%|333.3ms|0.33']
]

test('values print as Prometheus prints them', async (t) => {
  const template = compileTemplate('{{ $value }}|{{ $value | humanize }}|{{ $value | humanizePercentage }}|{{ $value | humanizeDuration }}|{{ printf "%.2f" $value }}', 't')
  for (const [value, expected] of PROMETHEUS) t.equal(renderTemplate(template, { value, labels: {} }), expected, String(value))
  t.equal(formatG(NaN), 'NaN')
  t.equal(formatG(Infinity), '+Inf')
  t.equal(humanize(-Infinity), '-Inf')
  t.equal(humanizePercentage(0.5), '50%')
  t.equal(humanizeDuration(NaN), 'NaN')
  t.equal(formatG(1234.5678, 3), '1.23e+03', '%.3g')
  t.equal(formatG(50, 4), '50', 'no trailing zeros')
  // Exactly half-way: Go rounds to even, where JavaScript's toPrecision and toFixed round up.
  t.equal(formatG(123450, 4), '1.234e+05')
  t.equal(formatG(123550, 4), '1.236e+05')
  t.equal(formatG(0.03125, 3), '0.0312')
  t.equal(formatG(9.9995, 4), '9.999', '9.9995 is a little under half-way as a double')
  t.equal(formatG(99995, 4), '1e+05', 'a carry moves the point')
  t.equal(formatF(0.125, 2), '0.12')
  t.equal(formatF(0.375, 2), '0.38')
  t.equal(formatF(2.5, 0), '2')
  t.equal(formatF(-0.5, 0), '-0')
  t.equal(formatF(99.995, 2), '100.00', '99.995 is a little over half-way as a double')
  t.equal(formatF(9.5, 0), '10')
  t.equal(formatF(1e21, 1), '1000000000000000000000.0')
})

test('labels, printf forms, string functions and literal text', async (t) => {
  const render = (source: string, labels: Record<string, string> = { route: '/a' }, value = 1234.5678): string =>
    renderTemplate(compileTemplate(source, 't'), { value, labels })
  // Checked against promtool as well.
  t.equal(render('a{{ $labels.missing }}b|{{ .Labels.route }}|{{ .Value }}|{{ printf "%.3g %e %v" $value $value $value }}|{{ $labels.route | toUpper }}|{{ $value | printf "%.1f" }}|{{printf "%s" $labels.route}}'),
    'ab|/a|1234.5678|1.23e+03 1.234568e+03 1234.5678|/A|1234.6|/a')
  t.equal(render('{{ printf "%.1f%%" $value }} of {{ "requests" }}'), '1234.6% of requests')
  t.equal(render('no actions'), 'no actions')
  t.equal(render('{{$value|humanize}}'), '1.235k', 'spaces are optional')
})

test('templates outside the supported subset are coded errors at registration', async (t) => {
  const bad = [
    ['{{ $value', /unclosed/],
    ['{{ }}', /empty action/],
    ['{{ $value | nope }}', /"nope" is not supported/],
    ['{{ $labels.route | humanize }}', /humanize takes \$value/],
    ['{{ $value | toUpper }}', /toUpper takes a string/],
    ['{{ printf "%d" $value }}', /%d does not print a number/],
    ['{{ printf "%s" $value }}', /%s does not print a number/],
    ['{{ printf "%.2f" }}', /more verbs than arguments/],
    ['{{ printf "x" $value }}', /more arguments than verbs/],
    ['{{ printf "%5.2f" $value }}', /flags and widths/],
    ['{{- $value }}', /trim markers/],
    ['{{ $labels.bad-name }}', /not a label name/],
    ['{{ humanize $value }}', /use humanize in a pipeline/],
    ['{{ $value $value }}', /unexpected/],
    ['{{ "unterminated }}', /cannot read|bad string/]
  ] as const
  for (const [source, message] of bad) {
    t.throws(() => compileTemplate(source, 'rules[0].annotations.x'), { code: 'OBS_ALERTS_INVALID_TEMPLATE', message }, source)
  }
})
