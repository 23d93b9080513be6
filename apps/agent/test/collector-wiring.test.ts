import { test } from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { AGENT_ROOT } from '../scripts/deploy-files.js'

// No container engine runs here, so the stack's wiring is checked on its files: every name the
// collector's pipelines use is defined, every address points at a compose service and a port that
// service listens on, and the service's environment sends all three signals to the collector.

const read = async (path: string): Promise<any> => parse(await readFile(join(AGENT_ROOT, 'deploy', path), 'utf8'))

/** The component types this config may use, as collector-contrib 0.104 names them. */
const KNOWN = {
  receivers: ['otlp'],
  processors: ['batch', 'memory_limiter'],
  exporters: ['otlp', 'otlphttp', 'prometheus', 'debug']
} as const

/** Ports the images listen on inside the compose network, from their documentation. */
const IMAGE_PORTS: Record<string, number[]> = {
  'jaegertracing/all-in-one': [4317, 4318, 16686],
  'grafana/loki': [3100],
  'prom/prometheus': [9090]
}

interface Compose { services: Record<string, { image?: string, ports?: string[], environment?: Record<string, string>, volumes?: string[], depends_on?: string[] }> }

/** host:port of an endpoint, with or without a scheme. */
function hostPort (endpoint: string): { host: string, port: number } {
  const url = new URL(endpoint.includes('://') ? endpoint : `tcp://${endpoint}`)
  return { host: url.hostname, port: Number(url.port) }
}

/** The ports a compose service listens on: its image's, and the container side of `ports`. */
function listens (compose: Compose, name: string): number[] {
  const service = compose.services[name]
  if (service === undefined) return []
  const image = service.image?.split(':')[0] ?? ''
  const published = (service.ports ?? []).map((mapping) => Number(String(mapping).split(':').pop()))
  return [...(IMAGE_PORTS[image] ?? []), ...published]
}

test('the collector routes traces, metrics and logs, with every component defined and used', async (t) => {
  const config = await read('otel-collector/config.yaml')
  t.same(Object.keys(config.service.pipelines).sort(), ['logs', 'metrics', 'traces'], 'one pipeline per signal')
  const used = new Set<string>()
  for (const [signal, pipeline] of Object.entries<Record<string, string[]>>(config.service.pipelines)) {
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      for (const name of pipeline[kind] ?? []) {
        t.ok(config[kind]?.[name] !== undefined, `${signal}: ${kind.slice(0, -1)} ${name} is defined`)
        t.ok((KNOWN[kind] as readonly string[]).includes(name.split('/')[0]!), `${signal}: ${name} is a ${kind.slice(0, -1)} type the collector has`)
        used.add(`${kind}.${name}`)
      }
    }
    t.ok((pipeline.receivers ?? []).length > 0 && (pipeline.exporters ?? []).length > 0, `${signal} has receivers and exporters`)
  }
  for (const kind of ['receivers', 'processors', 'exporters'] as const) {
    for (const name of Object.keys(config[kind] ?? {})) t.ok(used.has(`${kind}.${name}`), `${kind.slice(0, -1)} ${name} is in a pipeline`)
  }
  t.same(config.service.pipelines.traces.exporters, ['otlp/jaeger'])
  t.same(config.service.pipelines.metrics.exporters, ['prometheus'])
  t.same(config.service.pipelines.logs.exporters, ['otlphttp/loki'])
  t.equal(config.exporters['otlphttp/loki'].endpoint.replace(/\/$/, '').split('/').pop(), 'otlp', 'Loki 3 takes OTLP under /otlp')
})

test('every address in the collector, Prometheus and Grafana points at a compose service and a port it listens on', async (t) => {
  const config = await read('otel-collector/config.yaml')
  const compose = await read('compose.yaml') as Compose
  const collectorPorts = listens(compose, 'otel-collector')

  const http = hostPort(config.receivers.otlp.protocols.http.endpoint)
  const grpc = hostPort(config.receivers.otlp.protocols.grpc.endpoint)
  t.same([http.port, grpc.port], [4318, 4317], 'OTLP on its standard ports')
  for (const port of [http.port, grpc.port]) t.ok(collectorPorts.includes(port), `compose publishes the collector's ${port}`)

  for (const [name, exporter] of [['otlp/jaeger', 'jaeger'], ['otlphttp/loki', 'loki']] as const) {
    const { host, port } = hostPort(config.exporters[name].endpoint)
    t.equal(host, exporter, `${name} sends to the ${exporter} service`)
    t.ok(listens(compose, host).includes(port), `${host} listens on ${port}`)
    t.ok(compose.services['otel-collector']!.depends_on?.includes(host), `the collector starts after ${host}`)
  }
  t.equal(config.exporters['otlp/jaeger'].tls?.insecure, true, 'Jaeger inside the compose network speaks plain gRPC')

  const metricsPort = hostPort(config.exporters.prometheus.endpoint).port
  const prometheus = await read('prometheus/prometheus.yml')
  const job = prometheus.scrape_configs.find((j: { job_name: string }) => j.job_name === 'otel-collector')
  t.same(job?.static_configs[0].targets, [`otel-collector:${metricsPort}`], 'Prometheus scrapes the collector\'s metrics endpoint')
  t.ok(collectorPorts.includes(metricsPort))
  t.ok(prometheus.scrape_configs.some((j: { job_name: string }) => j.job_name === 'agent'), 'and still the service itself, which the rules read')

  const { datasources } = await read('grafana/provisioning/datasources/datasources.yml')
  t.same(datasources.map((d: { type: string }) => d.type).sort(), ['jaeger', 'loki', 'prometheus'], 'Grafana has a datasource per signal')
  for (const source of datasources as Array<{ name: string, url: string }>) {
    const { host, port } = hostPort(source.url)
    t.ok(listens(compose, host).includes(port), `${source.name} datasource: ${host} listens on ${port}`)
  }
  t.ok(compose.services.grafana!.volumes?.some((v) => v.startsWith('./grafana/provisioning:')), 'compose mounts the provisioning folder')
})

test('the service sends all three signals to the collector', async (t) => {
  const compose = await read('compose.yaml') as Compose
  const config = await read('otel-collector/config.yaml')
  const env = compose.services.agent!.environment!
  const endpoint = hostPort(env.OTEL_EXPORTER_OTLP_ENDPOINT!)
  t.equal(endpoint.host, 'otel-collector')
  t.equal(endpoint.port, hostPort(config.receivers.otlp.protocols.http.endpoint).port, 'at its OTLP/HTTP receiver')
  t.equal(env.OTEL_METRICS_EXPORTER, 'otlp')
  t.equal(env.OTEL_LOGS_EXPORTER, 'otlp')
  t.ok(compose.services.agent!.depends_on?.includes('otel-collector'))
  const volume = compose.services['otel-collector']!.volumes!.find((v) => v.startsWith('./otel-collector/config.yaml:'))!
  t.ok(volume, 'compose mounts this config')
  t.ok(((compose.services['otel-collector'] as { command?: string[] }).command ?? []).includes(`--config=${volume.split(':')[1]}`), 'and the collector reads it from there')
})
