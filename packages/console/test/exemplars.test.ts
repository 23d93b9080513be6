import { test } from 'tap'
import { parseExemplars } from '../src/queries/exemplars.js'

test('exemplars are read from OpenMetrics bucket lines, slowest first; lines without one are skipped', async (t) => {
  const exposition = [
    '# TYPE http_request_duration_seconds histogram',
    'http_request_duration_seconds_bucket{method="GET",route="/a \\"quoted\\"",status_code="200",le="0.1"} 8 # {trace_id="aaaa",span_id="1111"} 0.054 1700000000.123',
    'http_request_duration_seconds_bucket{method="GET",route="/a \\"quoted\\"",status_code="200",le="+Inf"} 9 # {trace_id="bbbb",span_id="2222"} 3.5 1700000001.000',
    'http_request_duration_seconds_bucket{method="GET",route="/b",status_code="500",le="0.5"} 2',
    'other_seconds_bucket{route="/c",le="1"} 1 # {trace_id="cccc"} 0.9 1700000002',
    'http_request_duration_seconds_count{method="GET",route="/b",status_code="500"} 2'
  ].join('\n')
  t.same(parseExemplars(exposition, 'http_request_duration_seconds'), [
    { method: 'GET', route: '/a "quoted"', status: '200', le: null, traceId: 'bbbb', seconds: 3.5, at: 1_700_000_001_000 },
    { method: 'GET', route: '/a "quoted"', status: '200', le: 0.1, traceId: 'aaaa', seconds: 0.054, at: 1_700_000_000_123 }
  ])
})
