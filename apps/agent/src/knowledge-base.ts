/** A note the agent can cite. */
export interface Note {
  id: string
  title: string
  text: string
}

/** What the demo knows: a few notes on running services, searched by shared words. */
export const NOTES: readonly Note[] = [
  { id: 'red', title: 'RED metrics', text: 'Rate, errors and duration per route template tell whether a service serves its users.' },
  { id: 'slo', title: 'SLO burn rate', text: 'A burn rate of 14.4 over one hour spends 2% of a 30-day error budget; page on it.' },
  { id: 'probes', title: 'Kubernetes probes', text: 'Liveness restarts a stuck process; readiness takes a pod out of the Service; startup guards slow starts.' },
  { id: 'traces', title: 'Distributed tracing', text: 'A trace follows one request across services; W3C traceparent carries its context.' },
  { id: 'cardinality', title: 'Label cardinality', text: 'Every distinct label set is a series; never label by user id or raw URL.' },
  { id: 'histograms', title: 'Histograms', text: 'Quantiles are estimated from buckets with histogram_quantile, aggregated across instances.' },
  { id: 'drain', title: 'Graceful shutdown', text: 'Fail readiness, keep serving while endpoints update, then close after in-flight requests.' },
  { id: 'tokens', title: 'LLM cost', text: 'Tokens in and out set the cost of a model call; cache answers to repeated questions.' },
  { id: 'alerts', title: 'Alerting', text: 'Alert on symptoms users feel, hold for a while, and route by severity.' },
  { id: 'exemplars', title: 'Exemplars', text: 'An exemplar links a latency bucket to the trace of a request that fell in it.' }
]

const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/[a-z0-9]{3,}/g) ?? [])

/** Keyword search over the notes: the best `limit` notes by words shared with the query. */
export class KnowledgeBase {
  private readonly index: Array<{ note: Note, words: Set<string> }>

  constructor (notes: readonly Note[] = NOTES) {
    this.index = notes.map((note) => ({ note, words: words(`${note.title} ${note.text}`) }))
  }

  search (query: string, limit = 3): Note[] {
    const wanted = words(query)
    return this.index
      .map(({ note, words: noteWords }) => ({ note, score: [...wanted].filter((w) => noteWords.has(w)).length }))
      .filter(({ score }) => score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map(({ note }) => note)
  }
}
