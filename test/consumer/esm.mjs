// A fresh ESM app: import of the packages.
import Fastify from 'fastify'
import * as metrics from '@obs/metrics'
import * as health from '@obs/health'
import * as tracing from '@obs/tracing'
import * as alerts from '@obs/alerts'
import exercise from './exercise.cjs'

await exercise({ Fastify, metrics, health, tracing, alerts })
