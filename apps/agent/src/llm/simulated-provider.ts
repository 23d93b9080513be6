import { setTimeout as sleep } from 'node:timers/promises'
import { CRITIC_SYSTEM, critique, readCriticPrompt } from '../critic.js'
import { Random } from '../random.js'
import { type CompletionRequest, type CompletionResult, type LlmProvider, ProviderError } from './provider.js'

export interface SimulatedModel {
  /** Median latency in ms; the distribution is log-normal with `latencySigma`. */
  latencyMedianMs: number
  latencySigma: number
  /** US dollars per 1,000 tokens. */
  inputCostPer1k: number
  outputCostPer1k: number
  /** Mean and spread of the answer length in tokens. */
  outputTokensMean: number
  outputTokensSd: number
}

export interface SimulatedProviderOptions {
  models?: Record<string, SimulatedModel>
  /** Share of calls that fail (rate limits, timeouts, server errors). */
  failureRate?: number
  /** Multiplies every latency: 0.01 makes tests fast, 3 makes a slow day. */
  latencyScale?: number
  seed?: number
}

export const SIMULATED_MODELS: Readonly<Record<string, SimulatedModel>> = Object.freeze({
  'sim-large': { latencyMedianMs: 900, latencySigma: 0.5, inputCostPer1k: 0.0025, outputCostPer1k: 0.01, outputTokensMean: 220, outputTokensSd: 80 },
  'sim-small': { latencyMedianMs: 250, latencySigma: 0.4, inputCostPer1k: 0.00015, outputCostPer1k: 0.0006, outputTokensMean: 120, outputTokensSd: 40 }
})

const ARITHMETIC = /(-?\d+(?:\.\d+)?)\s*([-+*/])\s*(-?\d+(?:\.\d+)?)/

/**
 * A model provider that behaves like a remote one: log-normal latency, token usage that grows
 * with the prompt, a price per model, and failures at a configurable rate. It answers from the
 * context it is given and asks for tools when the question needs them; asked to act as the
 * critic, it scores the answer with the critic's rubric.
 */
export class SimulatedProvider implements LlmProvider {
  readonly name = 'simulated'
  private readonly models: Record<string, SimulatedModel>
  private readonly random: Random
  failureRate: number
  latencyScale: number

  constructor (options: SimulatedProviderOptions = {}) {
    this.models = { ...SIMULATED_MODELS, ...options.models }
    this.failureRate = options.failureRate ?? 0.02
    this.latencyScale = options.latencyScale ?? 1
    this.random = new Random(options.seed)
  }

  async complete (request: CompletionRequest, signal: AbortSignal): Promise<CompletionResult> {
    const model = this.models[request.model]
    if (model === undefined) throw new ProviderError('MODEL_NOT_FOUND', `unknown model ${request.model}`, false)
    const latency = this.random.logNormal(model.latencyMedianMs, model.latencySigma) * this.latencyScale

    if (this.random.chance(this.failureRate)) {
      const roll = this.random.next()
      if (roll < 0.6) {
        await sleep(Math.min(latency, 50 * this.latencyScale), undefined, { signal })
        throw new ProviderError('RATE_LIMITED', 'rate limit reached for the model, retry later', true)
      }
      await sleep(latency, undefined, { signal })
      if (roll < 0.85) throw new ProviderError('UPSTREAM_TIMEOUT', 'the model did not answer in time', true)
      throw new ProviderError('SERVER_ERROR', 'the provider answered 500', true)
    }

    await sleep(latency, undefined, { signal })
    const inputTokens = Math.ceil((request.system.length + request.prompt.length) / 4)
    // Asked to act as the critic, it follows the critic's instruction: a score, nothing else.
    const judging = request.system === CRITIC_SYSTEM
    const outputTokens = judging ? 3 : Math.max(8, Math.round(model.outputTokensMean + model.outputTokensSd * this.random.normal()))
    return {
      text: judging ? String(critique(readCriticPrompt(request.prompt))) : answerFrom(request.prompt),
      model: request.model,
      // The system prompt is the same on every call: the provider serves it from its prompt cache.
      usage: { inputTokens, outputTokens, cacheReadTokens: Math.ceil(request.system.length / 4) },
      costUsd: (inputTokens * model.inputCostPer1k + outputTokens * model.outputCostPer1k) / 1000,
      toolCalls: judging ? [] : toolCallsFor(request.prompt)
    }
  }

  async ping (signal: AbortSignal): Promise<void> {
    await sleep(5 * this.latencyScale, undefined, { signal })
    // A provider failing most calls is as good as down.
    if (this.failureRate >= 0.5) throw new ProviderError('UNAVAILABLE', `the provider fails ${Math.round(this.failureRate * 100)}% of calls`, true)
  }
}

function answerFrom (prompt: string): string {
  const context = /Context:\n([\s\S]*?)\n\nQuestion:/.exec(prompt)?.[1]?.split('\n').filter(Boolean) ?? []
  const question = /Question: (.*)$/m.exec(prompt)?.[1] ?? prompt
  if (context.length === 0) return `I have no notes on "${question}", so this is a general answer.`
  return `From ${context.length} note(s): ${context.map((line) => line.replace(/^- [^:]+: /, '')).join(' ')}`
}

function toolCallsFor (prompt: string): CompletionResult['toolCalls'] {
  const question = /Question: (.*)$/m.exec(prompt)?.[1] ?? prompt
  const calls: CompletionResult['toolCalls'] = []
  const arithmetic = ARITHMETIC.exec(question)
  if (arithmetic !== null) calls.push({ tool: 'calculator', input: arithmetic[0] })
  if (/\b(time|date|today|now)\b/i.test(question)) calls.push({ tool: 'clock', input: '' })
  return calls
}
