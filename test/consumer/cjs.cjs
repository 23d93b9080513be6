// A fresh CommonJS app: require() of the ESM packages (Node's require(esm)).
const exercise = require('./exercise.cjs')

exercise({
  Fastify: require('fastify'),
  metrics: require('@obs/metrics'),
  health: require('@obs/health'),
  tracing: require('@obs/tracing'),
  alerts: require('@obs/alerts')
})
