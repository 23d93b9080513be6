/**
 * The samples of an exposition as `name{labels}` (exactly as written) → value. Comment lines
 * and exemplars are dropped. Enough to assert on what a scraper would read.
 */
export function samples (exposition: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const sample = line.split(' # ')[0]!
    const space = sample.lastIndexOf(' ')
    out.set(sample.slice(0, space), Number(sample.slice(space + 1)))
  }
  return out
}

/** The sample lines of one family (`name`, `name_total`, `name_bucket`, … ). */
export function familyLines (exposition: string, name: string): string[] {
  const sample = new RegExp(`^${name}(_total|_bucket|_sum|_count)?[{ ]`)
  return exposition.split('\n').filter((line) => sample.test(line))
}
