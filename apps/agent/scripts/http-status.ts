/** The status a URL answers with, or why there was no answer. */
export async function status (url: string): Promise<number | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await response.arrayBuffer()
    return response.status
  } catch (error) {
    return (error as Error).message
  }
}

/** Waits up to `seconds` for readiness to answer 200 (a fresh instance may need a moment); returns the last answer. */
export async function waitReady (url: string, seconds: number): Promise<number | string> {
  const deadline = Date.now() + seconds * 1000
  const at = new URL('/health/ready', url).toString()
  let ready = await status(at)
  while (ready !== 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    ready = await status(at)
  }
  return ready
}
