/** What a task asks for, as the coordinator sorts it: a bounded label for the task metrics. */
export type TaskType = 'calculation' | 'time' | 'question'

export const TASK_TYPES: readonly TaskType[] = ['calculation', 'time', 'question']

const ARITHMETIC = /-?\d+(?:\.\d+)?\s*[-+*/]\s*-?\d+(?:\.\d+)?/
const TIME = /\b(time|date|today|now)\b/i

export function taskType (query: string): TaskType {
  if (ARITHMETIC.test(query)) return 'calculation'
  if (TIME.test(query)) return 'time'
  return 'question'
}
