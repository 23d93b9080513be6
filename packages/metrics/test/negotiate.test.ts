import { test } from 'tap'
import { CONTENT_TYPE, negotiateFormat } from '../src/exposition/negotiate.js'

test('the Prometheus text format is the default', async (t) => {
  t.equal(negotiateFormat(undefined), 'prometheus')
  t.equal(negotiateFormat(''), 'prometheus')
  t.equal(negotiateFormat('*/*'), 'prometheus')
  t.equal(negotiateFormat('text/plain;version=0.0.4'), 'prometheus')
  t.equal(negotiateFormat('application/json'), 'prometheus')
})

test('OpenMetrics when Prometheus asks for it first', async (t) => {
  // The Accept header Prometheus 2.x sends on every scrape.
  const prometheus = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
  t.equal(negotiateFormat(prometheus), 'openmetrics')
  t.equal(negotiateFormat('application/openmetrics-text'), 'openmetrics')
  t.equal(negotiateFormat('Application/OpenMetrics-Text; Version=1.0.0'), 'openmetrics')
  t.equal(negotiateFormat(['text/plain;q=0.1', 'application/openmetrics-text']), 'openmetrics')
})

test('q values decide, and a version we do not write is not chosen', async (t) => {
  t.equal(negotiateFormat('application/openmetrics-text;q=0.2,text/plain;q=0.9'), 'prometheus')
  t.equal(negotiateFormat('application/openmetrics-text;q=0'), 'prometheus')
  t.equal(negotiateFormat('application/openmetrics-text;version=2.0.0'), 'prometheus')
})

test('malformed and hostile Accept headers fall back to text and never throw', async (t) => {
  t.equal(negotiateFormat('application/openmetrics-text;q=banana'), 'prometheus')
  t.equal(negotiateFormat(';;;,,,=openmetrics=;q='), 'prometheus')
  t.equal(negotiateFormat('text/plain,' + 'a;'.repeat(100_000) + 'application/openmetrics-text'), 'prometheus')
  t.equal(negotiateFormat('\u0000application/openmetrics-text\n'), 'prometheus')
})

test('protobuf when Prometheus asks for it first (native histograms on), and only the delimited encoding', async (t) => {
  // The Accept header Prometheus 2.42 sends with --enable-feature=native-histograms.
  const prometheus = 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,application/openmetrics-text;version=1.0.0;q=0.8,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
  t.equal(negotiateFormat(prometheus), 'protobuf')
  t.equal(negotiateFormat(prometheus, { protobuf: false }), 'openmetrics', 'the next best text format when protobuf is not on offer')
  t.equal(negotiateFormat('application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'), 'protobuf')
  t.equal(negotiateFormat('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=text'), 'prometheus', 'the text encoding is not written')
  t.equal(negotiateFormat('application/vnd.google.protobuf;encoding=delimited'), 'prometheus', 'without the message type')
  t.equal(negotiateFormat('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,application/openmetrics-text'), 'openmetrics')
  t.equal(negotiateFormat('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0,text/plain'), 'prometheus')
})

test('content types are the registered ones', async (t) => {
  t.equal(CONTENT_TYPE.prometheus, 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(CONTENT_TYPE.openmetrics, 'application/openmetrics-text; version=1.0.0; charset=utf-8')
  t.equal(CONTENT_TYPE.protobuf, 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited')
})
