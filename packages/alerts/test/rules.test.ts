import { test } from 'tap'
import { rules } from '../src/rules/builders.js'
import { exportRules } from '../src/export/rule-file.js'
import { normalizeRules } from '../src/rules/normalize.js'
import type { Rule } from '../src/rules/types.js'

const base = { name: 'R', window: '5m', above: 0.5 }

test('invalid rules are coded errors that say what is wrong', async (t) => {
  const cases: Array<[unknown, string, RegExp]> = [
    ['not a rule', 'OBS_ALERTS_INVALID_RULE', /expected a rule object/],
    [{ kind: 'errorRatio', ...base, name: 'has space' }, 'OBS_ALERTS_INVALID_RULE', /name must be letters/],
    [{ kind: 'nope', name: 'R' }, 'OBS_ALERTS_INVALID_RULE', /kind must be one of/],
    [{ kind: 'errorRatio', name: 'R', window: '5m' }, 'OBS_ALERTS_INVALID_RULE', /exactly one of above, below or outside/],
    [{ kind: 'errorRatio', ...base, below: 1 }, 'OBS_ALERTS_INVALID_RULE', /exactly one/],
    [{ kind: 'errorRatio', ...base, above: NaN }, 'OBS_ALERTS_INVALID_RULE', /above must be a finite number/],
    [{ kind: 'gauge', name: 'R', metric: 'g', outside: [5, 1] }, 'OBS_ALERTS_INVALID_RULE', /low < high/],
    [{ kind: 'errorRatio', ...base, window: 'soon' }, 'OBS_ALERTS_INVALID_RULE', /window must be a duration/],
    [{ kind: 'errorRatio', ...base, window: 0 }, 'OBS_ALERTS_INVALID_RULE', /window/],
    [{ kind: 'errorRatio', ...base, for: -1 }, 'OBS_ALERTS_INVALID_RULE', /for must be a duration/],
    [{ kind: 'errorRatio', ...base, keepFiringFor: '1y' }, 'OBS_ALERTS_INVALID_RULE', /keepFiringFor/],
    [{ kind: 'errorRatio', ...base, severity: 'page' }, 'OBS_ALERTS_INVALID_RULE', /severity must be one of info, warning, error, critical/],
    [{ kind: 'errorRatio', ...base, labels: { severity: 'x' } }, 'OBS_ALERTS_INVALID_RULE', /use the severity field/],
    [{ kind: 'errorRatio', ...base, labels: { alertname: 'x' } }, 'OBS_ALERTS_INVALID_RULE', /set by the rule itself/],
    [{ kind: 'errorRatio', ...base, labels: { 'bad-name': 'x' } }, 'OBS_ALERTS_INVALID_RULE', /not a label name/],
    [{ kind: 'errorRatio', ...base, labels: { team: 1 } }, 'OBS_ALERTS_INVALID_RULE', /must be a string/],
    [{ kind: 'errorRatio', ...base, by: ['route'], labels: { route: 'all' } }, 'OBS_ALERTS_INVALID_RULE', /label "route" is also in by: every group would get the same route/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', by: ['route'], labels: { route: 'x' } }, 'OBS_ALERTS_INVALID_RULE', /label "route" is also in by/],
    [{ kind: 'errorRatio', ...base, annotations: { summary: '{{ $nope }}' } }, 'OBS_ALERTS_INVALID_TEMPLATE', /not supported/],
    [{ kind: 'errorRatio', ...base, description: 'about {{ braces' }, 'OBS_ALERTS_INVALID_TEMPLATE', /unclosed/],
    [{ kind: 'errorRatio', ...base, minEvents: -1 }, 'OBS_ALERTS_INVALID_RULE', /minEvents must be a number ≥ 0/],
    [{ kind: 'gauge', name: 'R', metric: 'g', above: 1, minEvents: 5 }, 'OBS_ALERTS_INVALID_RULE', /minEvents applies to/],
    [{ kind: 'errorRatio', ...base, by: ['route', 'route'] }, 'OBS_ALERTS_INVALID_RULE', /twice/],
    [{ kind: 'errorRatio', ...base, by: 'route' }, 'OBS_ALERTS_INVALID_RULE', /by must be an array/],
    [{ kind: 'errorRatio', ...base, match: { route: 5 } }, 'OBS_ALERTS_INVALID_RULE', /must be a string, a RegExp/],
    [{ kind: 'errorRatio', ...base, match: { route: /a/i } }, 'OBS_ALERTS_INVALID_RULE', /has flags/],
    [{ kind: 'errorRatio', ...base, match: { route: { re: '(' } } }, 'OBS_ALERTS_INVALID_RULE', /regular expression for label "route" is invalid/],
    [{ kind: 'errorRatio', ...base, errors: {} }, 'OBS_ALERTS_INVALID_RULE', /errors must match at least one label/],
    [{ kind: 'errorRatio', ...base, channels: 'slack' }, 'OBS_ALERTS_INVALID_RULE', /channels must be an array/],
    [{ kind: 'errorRatio', ...base, metric: 'bad metric' }, 'OBS_ALERTS_INVALID_RULE', /metric must be a metric name/],
    [{ kind: 'latency', ...base, quantile: 1 }, 'OBS_ALERTS_INVALID_RULE', /quantile must be a number strictly between 0 and 1/],
    [{ kind: 'latency', ...base, quantile: 0.9, metric: 'h_bucket' }, 'OBS_ALERTS_INVALID_RULE', /base name, without "_bucket"/],
    [{ kind: 'latency', ...base, quantile: 0.9, by: ['le'] }, 'OBS_ALERTS_INVALID_RULE', /by cannot hold "le"/],
    [{ kind: 'rate', name: 'R', window: '5m', above: 1 }, 'OBS_ALERTS_INVALID_RULE', /metric must be a metric name/],
    [{ kind: 'gauge', name: 'R', metric: 'g', above: 1, by: ['x'] }, 'OBS_ALERTS_INVALID_RULE', /by needs an aggregate/],
    [{ kind: 'gauge', name: 'R', metric: 'g', above: 1, aggregate: 'median' }, 'OBS_ALERTS_INVALID_RULE', /aggregate must be/],
    [{ kind: 'slo', name: 'R', objective: 1, indicator: 'availability' }, 'OBS_ALERTS_INVALID_RULE', /objective must be strictly between 0 and 1/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'speed' }, 'OBS_ALERTS_INVALID_RULE', /indicator must be/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'latency' }, 'OBS_ALERTS_INVALID_RULE', /needs threshold/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', threshold: 1 }, 'OBS_ALERTS_INVALID_RULE', /threshold is for latency SLOs/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', severity: 'critical' }, 'OBS_ALERTS_INVALID_RULE', /severity on each burn-rate window/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', windows: [] }, 'OBS_ALERTS_INVALID_RULE', /non-empty array/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', windows: [{ long: '5m', short: '1h', burnRate: 2, severity: 'critical' }] }, 'OBS_ALERTS_INVALID_RULE', /short window must be shorter/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', windows: [{ long: '1h', short: '5m', burnRate: 0, severity: 'critical' }] }, 'OBS_ALERTS_INVALID_RULE', /burnRate must be a number > 0/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', by: ['slo'] }, 'OBS_ALERTS_INVALID_RULE', /by cannot hold "le" or "slo"/],
    [{ kind: 'slo', name: 'R', objective: 0.99, indicator: 'availability', above: 1 }, 'OBS_ALERTS_INVALID_RULE', /has no threshold/],
    [{ kind: 'absent', name: 'R', metric: 'm', by: ['x'] }, 'OBS_ALERTS_INVALID_RULE', /absent rule has no by/],
    [{ kind: 'custom', name: 'R' }, 'OBS_ALERTS_INVALID_RULE', /check must be a function/],
    [{ kind: 'custom', name: 'R', check: () => true, match: { a: 'b' } }, 'OBS_ALERTS_INVALID_RULE', /no by or match/]
  ]
  for (const [rule, code, message] of cases) {
    t.throws(() => normalizeRules([rule]), { code, message }, `${JSON.stringify(rule, (_k, v) => v instanceof RegExp ? String(v) : v)} → ${code}`)
  }
  t.throws(() => normalizeRules('nope'), { code: 'OBS_ALERTS_INVALID_RULE', message: /expected an array of rules/ })
  t.throws(() => normalizeRules([{ kind: 'absent', name: 'Same', metric: 'm' }, { kind: 'absent', name: 'Same', metric: 'n' }]),
    { code: 'OBS_ALERTS_DUPLICATE_RULE', message: 'Two alert rules are named "Same": rule names must be unique' })
  t.throws(() => normalizeRules([{ kind: 'errorRatio', ...base, window: 'x' }]), { message: /Invalid alert rule "R" \(rules\[0\]\): window/ }, 'the message names the rule and its place')
})

test('builders make the same rules as plain objects, typed, and validate on build', async (t) => {
  const built = [
    rules.errorRatio('HighErrorRate').above(0.05).over('5m').for('2m').keepFiringFor('5m').severity('critical')
      .minEvents(100).by('route').match({ route: { not: '/health' } }).labels({ team: 'api' })
      .annotate('runbook', 'https://runbooks/errors').description('Too many 5xx').channels('pager', 'slack'),
    rules.latency('Slow', 0.95).above(0.5).over('10m'),
    rules.rate('Stalled', 'jobs_total').below(0.1).over('15m'),
    rules.gauge('Queue', 'agent_queue_size').outside(1, 100).aggregate('max').by('queue'),
    rules.slo('Availability').availability(0.999).minEvents(10),
    rules.slo('Fast').latency(0.99, 0.25).windows([{ long: '1h', short: '5m', burnRate: 14.4, severity: 'critical' }]),
    rules.absent('MetricsGone', 'http_requests_total'),
    rules.custom('Custom', () => false).severity('info')
  ].map((b) => b.build())
  const plain: Rule[] = [
    {
      kind: 'errorRatio',
      name: 'HighErrorRate',
      above: 0.05,
      window: '5m',
      for: '2m',
      keepFiringFor: '5m',
      severity: 'critical',
      minEvents: 100,
      by: ['route'],
      match: { route: { not: '/health' } },
      labels: { team: 'api' },
      annotations: { runbook: 'https://runbooks/errors' },
      description: 'Too many 5xx',
      channels: ['pager', 'slack']
    },
    { kind: 'latency', name: 'Slow', quantile: 0.95, above: 0.5, window: '10m' },
    { kind: 'rate', name: 'Stalled', metric: 'jobs_total', below: 0.1, window: '15m' },
    { kind: 'gauge', name: 'Queue', metric: 'agent_queue_size', outside: [1, 100], aggregate: 'max', by: ['queue'] },
    { kind: 'slo', name: 'Availability', indicator: 'availability', objective: 0.999, minEvents: 10 },
    { kind: 'slo', name: 'Fast', indicator: 'latency', objective: 0.99, threshold: 0.25, windows: [{ long: '1h', short: '5m', burnRate: 14.4, severity: 'critical' }] },
    { kind: 'absent', name: 'MetricsGone', metric: 'http_requests_total' },
    { kind: 'custom', name: 'Custom', check: built[7]!.kind === 'custom' ? built[7]!.check : () => false, severity: 'info' }
  ]
  t.same(built, plain)
  t.equal(exportRules(built).yaml, exportRules(plain).yaml, 'the same rule file')
  t.throws(() => rules.errorRatio('NoThreshold').over('5m').build(), { code: 'OBS_ALERTS_INVALID_RULE', message: /rule builder "NoThreshold".*exactly one/ })
  const threshold = rules.gauge('G', 'g').above(1).below(0).build()
  t.same([threshold.above, threshold.below], [undefined, 0], 'the last threshold set wins')
  t.same(rules.slo('S').latency(0.9, 0.5).availability(0.99).build().threshold, undefined)
})

test('rules that cannot work say nothing: a threshold impossible for its kind is a coded error at registration', async (t) => {
  t.throws(() => rules.errorRatio('Percent').above(5).over('5m').build(), {
    code: 'OBS_ALERTS_INVALID_RULE',
    message: /"Percent".*above 5 can never be crossed: an error ratio is between 0 and 1 \(5% is 0\.05\)/
  })
  t.throws(() => normalizeRules([{ kind: 'errorRatio', name: 'E', window: '5m', below: 0 }]), { message: /below 0 can never be crossed/ })
  t.throws(() => normalizeRules([{ kind: 'errorRatio', name: 'E', window: '5m', outside: [0, 1] }]), { message: /outside \[0, 1\] can never be crossed/ })
  t.throws(() => normalizeRules([{ kind: 'latency', name: 'L', quantile: 0.9, window: '5m', below: 0 }]), { message: /a latency is 0 seconds or more/ })
  t.throws(() => normalizeRules([{ kind: 'rate', name: 'R', metric: 'jobs_total', window: '5m', below: -1 }]), { message: /a rate is 0 per second or more/ })
  t.throws(() => normalizeRules([{ kind: 'slo', name: 'S', objective: 0.9, indicator: 'availability', windows: [{ long: '1h', short: '5m', burnRate: 14.4, severity: 'critical' }] }]), {
    message: /windows\[0\]\.burnRate 14\.4 can never be reached: with objective 0\.9 the highest burn rate is 10/
  })
  t.doesNotThrow(() => normalizeRules([
    { kind: 'errorRatio', name: 'Ok', window: '5m', above: 0.05 },
    { kind: 'slo', name: 'Slo', objective: 0.999, indicator: 'availability' }
  ]), 'the defaults and ordinary thresholds pass')
})
