import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'tap'
import { stringify } from 'yaml'
import { formatG, humanize, humanizeDuration, humanizePercentage } from '../src/templates/go-format.js'
import { compileTemplate, renderTemplate } from '../src/templates/template.js'
import { testRules } from '../../../test-support/promtool.js'

// Each case is rendered by the engine, compared with the text written here, and checked live
// against Prometheus: one alert per case (`expr: vector(value)`, with the labels added by
// label_replace), whose annotation promtool must find rendered exactly as the engine renders it.
interface Case { value: number, template: string, expected: string, labels?: Record<string, string> }

const EVERY_FORM = '{{ $value }}|{{ $value | humanize }}|{{ $value | humanizePercentage }}|{{ $value | humanizeDuration }}|{{ printf "%.2f" $value }}'
const forms = (value: number, expected: string): Case => ({ value, template: EVERY_FORM, expected })
const printf = (format: string, value: number, expected: string): Case => ({ value, template: `{{ printf "${format}" $value }}`, expected })

const CASES: Case[] = [
  forms(1000000, '1e+06|1M|1e+08%|11d 13h 46m 40s|1000000.00'),
  forms(123456, '123456|123.5k|1.235e+07%|1d 10h 17m 36s|123456.00'),
  forms(1234567, '1.234567e+06|1.235M|1.235e+08%|14d 6h 56m 7s|1234567.00'),
  forms(0.00001234, '1.234e-05|12.34u|0.001234%|12.34us|0.00'),
  forms(0.0001234, '0.0001234|123.4u|0.01234%|123.4us|0.00'),
  forms(1234.5, '1234.5|1.234k|1.234e+05%|20m 34s|1234.50'),
  forms(0.05, '0.05|50m|5%|50ms|0.05'),
  { value: 0.0512, template: '{{ $value | humanizePercentage }}', expected: '5.12%' },
  forms(93784.5, '93784.5|93.78k|9.378e+06%|1d 2h 3m 4s|93784.50'),
  forms(0, '0|0|0%|0s|0.00'),
  forms(-2.5, '-2.5|-2.5|-250%|-2.5s|-2.50'),
  forms(1 / 3, '0.3333333333333333|333.3m|33.33%|333.3ms|0.33'),
  { value: NaN, template: '{{ $value }}|{{ $value | humanize }}|{{ $value | humanizeDuration }}', expected: 'NaN|NaN|NaN' },
  { value: Infinity, template: '{{ $value }}|{{ $value | humanizePercentage }}', expected: '+Inf|+Inf%' },
  { value: -Infinity, template: '{{ $value | humanize }}', expected: '-Inf' },
  // Exactly half-way: Go rounds to even, where JavaScript's toPrecision and toFixed round up.
  printf('%.3g', 1234.5678, '1.23e+03'),
  printf('%.4g', 50, '50'),
  printf('%.4g', 123450, '1.234e+05'),
  printf('%.4g', 123550, '1.236e+05'),
  printf('%.3g', 0.03125, '0.0312'),
  printf('%.4g', 9.9995, '9.999'),
  printf('%.4g', 99995, '1e+05'),
  printf('%.2f', 0.125, '0.12'),
  printf('%.2f', 0.375, '0.38'),
  printf('%.0f', 2.5, '2'),
  printf('%.0f', -0.5, '-0'),
  printf('%.2f', 99.995, '100.00'),
  printf('%.0f', 9.5, '10'),
  printf('%.1f', 1e21, '1000000000000000000000.0'),
  {
    value: 1234.5678,
    labels: { route: '/a' },
    template: 'a{{ $labels.missing }}b|{{ .Labels.route }}|{{ .Value }}|{{ printf "%.3g %e %v" $value $value $value }}|{{ $labels.route | toUpper }}|{{ $value | printf "%.1f" }}|{{printf "%s" $labels.route}}',
    expected: 'ab|/a|1234.5678|1.23e+03 1.234568e+03 1234.5678|/A|1234.6|/a'
  },
  { value: 1234.5678, template: '{{ printf "%.1f%%" $value }} of {{ "requests" }}', expected: '1234.6% of requests' },
  { value: 1234.5678, template: '{{$value|humanize}}', expected: '1.235k' }
]

const render = (c: Case): string => renderTemplate(compileTemplate(c.template, 't'), { value: c.value, labels: c.labels ?? {} })

/** A PromQL number literal for a value. */
const literal = (v: number): string => Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Inf' : v === -Infinity ? '-Inf' : String(v)

test('values and labels print as the engine says, and as Prometheus prints them (checked with promtool)', async (t) => {
  for (const c of CASES) t.equal(render(c), c.expected, `${c.template} of ${c.value}`)

  const dir = await mkdtemp(join(tmpdir(), 'obs-alerts-template-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const rules = CASES.map((c, i) => ({
    alert: `Case${i}`,
    expr: Object.entries(c.labels ?? {}).reduce((expr, [name, value]) => `label_replace(${expr}, "${name}", ${JSON.stringify(value)}, "", "")`, `vector(${literal(c.value)})`),
    annotations: { text: c.template }
  }))
  await writeFile(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'templates', rules }] }, { lineWidth: 0 }))
  await writeFile(join(dir, 'test.yml'), stringify({
    rule_files: ['rules.yml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: [],
      alert_rule_test: CASES.map((c, i) => ({ eval_time: '1m', alertname: `Case${i}`, exp_alerts: [{ exp_labels: c.labels ?? {}, exp_annotations: { text: render(c) } }] }))
    }]
  }, { lineWidth: 0 }))
  const result = await testRules(join(dir, 'test.yml'))
  t.equal(result.code, 0, `promtool renders every case as the engine does:\n${(result.stdout + result.stderr).slice(0, 4000)}`)
})

test('number formatting helpers outside templates', async (t) => {
  t.equal(formatG(NaN), 'NaN')
  t.equal(formatG(Infinity), '+Inf')
  t.equal(humanize(-Infinity), '-Inf')
  t.equal(humanizePercentage(0.5), '50%')
  t.equal(humanizeDuration(NaN), 'NaN')
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
