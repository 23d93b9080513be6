/* global document, location, fetch, Node */
// Helpers every view shares: building DOM (text only, never HTML from data), fetching the API,
// polling that pauses while the tab is hidden, and formatting.

export const prefix = document.body.dataset.prefix
export const alertsPath = document.body.dataset.alertsPath
export const main = document.getElementById('view')

/** An element with attributes (`on*` functions become listeners) and children (strings become text). */
export function el (tag, attributes = {}, ...children) {
  const node = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value)
    else if (name === 'dataset') Object.assign(node.dataset, value)
    // Styles through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    else if (name === 'style') Object.assign(node.style, value)
    else node.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue
    node.append(child instanceof Node ? child : String(child))
  }
  return node
}

/** GET a console API path (relative to the prefix); rejects with the server's message. */
export async function api (path) {
  const response = await fetch(`${prefix}api/${path}`, { headers: { accept: 'application/json' } })
  const body = await response.json().catch(() => ({}))
  if (!response.ok) throw new Error(body.message ?? `${response.status} ${response.statusText}`)
  return body
}

/** Calls `task` now and every `ms` while the tab is visible; returns a function that stops it. */
export function poll (task, ms) {
  let timer
  let stopped = false
  const run = async () => {
    clearTimeout(timer)
    if (stopped) return
    if (document.visibilityState === 'visible') {
      try {
        await task()
        setStatus('')
      } catch (error) {
        setStatus(`update failed: ${error.message}`)
      }
    }
    if (!stopped) timer = setTimeout(run, ms)
  }
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') run() })
  run()
  return () => { stopped = true; clearTimeout(timer) }
}

/** Runs `task` once (a filter changed); a failure shows in the header like a failed poll. */
export function now (task) {
  task().then(() => setStatus(''), (error) => setStatus(`update failed: ${error.message}`))
}

/** The header's status line: live, paused, or what went wrong. */
export function setStatus (text, live = false) {
  const node = document.getElementById('live')
  node.textContent = text
  node.classList.toggle('on', live)
}

/** The sentence a view shows when its source is not there. */
export function missingNote (text) {
  return el('p', { class: 'missing', role: 'note' }, text)
}

/** Replaces a container's children. */
export function show (container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false))
}

export const query = () => new URLSearchParams(location.search)

export function formatMs (ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–'
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`
  return `${(ms * 1000).toFixed(0)} µs`
}

export const formatSeconds = (s) => s === null || s === undefined ? '–' : formatMs(s * 1000)

export function formatBytes (bytes) {
  if (bytes === null || bytes === undefined) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`
}

export const formatPercent = (ratio) => ratio === null || ratio === undefined ? '–' : `${(ratio * 100).toFixed(ratio < 0.1 ? 2 : 1)}%`
export const formatRate = (rate) => rate === null || rate === undefined ? '–' : `${rate.toFixed(rate < 10 ? 2 : 0)}/s`
export const formatTime = (ms) => ms === null || ms === undefined ? '–' : new Date(ms).toLocaleTimeString([], { hour12: false })

export function formatValue (value) {
  if (typeof value !== 'number') return String(value)
  if (Number.isInteger(value)) return value.toLocaleString('en')
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4)
}

/** A link to one trace's page. */
export const traceLink = (traceId, text = traceId.slice(0, 12)) => el('a', { href: `${prefix}traces/${traceId}`, class: 'trace-link', title: traceId }, text)

/** A key/value table of attributes. */
export function attributeTable (attributes) {
  const rows = Object.entries(attributes ?? {})
  if (rows.length === 0) return el('p', { class: 'dim' }, 'no attributes')
  return el('table', { class: 'attributes' }, el('tbody', {}, rows.map(([key, value]) =>
    el('tr', {}, el('th', {}, key), el('td', {}, typeof value === 'object' ? JSON.stringify(value) : String(value))))))
}
