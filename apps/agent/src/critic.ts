/**
 * Scores an answer from 0 to 1: grounded in notes, tools that worked, and not a non-answer.
 * A real deployment would ask a second model; the score feeds the same metric.
 */
export function critique (answer: string, sources: number, toolsOk: number, toolsFailed: number): number {
  let score = 0.35
  score += Math.min(sources, 3) * 0.15
  score += toolsOk > 0 ? 0.1 : 0
  score -= toolsFailed * 0.2
  if (answer.startsWith('I have no notes')) score -= 0.1
  return Math.max(0, Math.min(1, Math.round(score * 100) / 100))
}
