/**
 * The critic: a second model call that scores each answer from 0 to 1. This file is its
 * protocol (the instruction, the prompt it reads, the number it answers) and the rubric the
 * simulated model follows when asked; a real model would apply its own judgement.
 */
export const CRITIC_SYSTEM = 'You are a critic. Score the answer from 0 (useless) to 1 (grounded and complete). Reply with the number only.'

/** What the critic is told about an answer. */
export interface CriticFacts {
  question: string
  answer: string
  /** Notes the answer was drawn from. */
  sources: number
  toolsOk: number
  toolsFailed: number
}

/** The critic's prompt: the counts first, then the question and the answer (which may span lines). */
export function criticPrompt (facts: CriticFacts): string {
  return [
    `Sources: ${facts.sources}`,
    `Tools that worked: ${facts.toolsOk}`,
    `Tools that failed: ${facts.toolsFailed}`,
    `Question: ${facts.question.replace(/\s+/g, ' ')}`,
    `Answer: ${facts.answer}`
  ].join('\n')
}

/** The facts back from a critic prompt (the simulated model reads them). */
export function readCriticPrompt (prompt: string): CriticFacts {
  const count = (label: string): number => Number(new RegExp(`^${label}: (\\d+)$`, 'm').exec(prompt)?.[1] ?? 0)
  return {
    sources: count('Sources'),
    toolsOk: count('Tools that worked'),
    toolsFailed: count('Tools that failed'),
    question: /^Question: (.*)$/m.exec(prompt)?.[1] ?? '',
    answer: /\nAnswer: ([\s\S]*)$/.exec(prompt)?.[1] ?? ''
  }
}

/** The rubric: grounded in notes, tools that worked, and not a non-answer. */
export function critique ({ answer, sources, toolsOk, toolsFailed }: CriticFacts): number {
  let score = 0.35
  score += Math.min(sources, 3) * 0.15
  score += toolsOk > 0 ? 0.1 : 0
  score -= toolsFailed * 0.2
  if (answer.startsWith('I have no notes')) score -= 0.1
  return Math.max(0, Math.min(1, Math.round(score * 100) / 100))
}

/** The critic's reply as a score; anything but a number from 0 to 1 is an error. */
export function parseScore (text: string): number {
  const score = Number(text.trim())
  if (text.trim() === '' || !(score >= 0 && score <= 1)) {
    throw Object.assign(new Error(`the critic answered "${text.slice(0, 40)}", not a score from 0 to 1`), { code: 'BAD_CRITIC_ANSWER' })
  }
  return score
}
