// The demo service: `pnpm demo` runs this on PORT (3000). Spans go nowhere unless an OTLP
// endpoint is set; metrics on /metrics; probes on /health/*; alerts on /alerts.
import { buildAgentApp } from './app.js'
import { readConfig } from './config.js'

const config = readConfig()
const app = await buildAgentApp({ config })
await app.listen({ port: config.port, host: config.host })
app.log.info(`agent ready on :${config.port}: POST /tasks {"query":"…"} (?wait=true to wait for the answer); GET /tasks, /metrics, /metrics/summary, /health/ready, /alerts; the live page on /obs/`)
