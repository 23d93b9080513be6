/* global fetch */
// Alerts: the active ones with their state, acknowledging through @obs/alerts' own route (and so
// its auth), the history, the rules with their state and errors, and the engine's evaluations.
import { alertsPath, api, el, formatTime, formatValue, main, missingNote, now, poll, prefix, show } from './common.js'

const note = el('div')
const active = el('section', { class: 'panel', id: 'active' })
const rules = el('section', { class: 'panel', id: 'rules' })
const past = el('section', { class: 'panel', id: 'history' })
show(main, note, active, rules, past)
/** The token @obs/alerts asks for (ackAuth), kept in this page only. */
let token
/** True while the page asks for that token: refreshing would redraw the form away. */
let asking = false

const badge = (text, kind = text) => el('span', { class: `badge ${kind}` }, text)
const iso = (text) => text === null ? null : Date.parse(text)

async function acknowledge (alert, button, message) {
  button.disabled = true
  const headers = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(`${alertsPath}/${alert.fingerprint}/ack`, { method: 'POST', headers, body: JSON.stringify({ by: 'console' }) })
  button.disabled = false
  if (response.status === 401) {
    token = undefined
    asking = true
    show(message, tokenForm(alert, button, message))
    return
  }
  asking = false
  if (!response.ok) {
    const body = await response.json().catch(() => ({}))
    show(message, el('span', { class: 'error' }, body.message ?? `acknowledging failed: ${response.status}`))
    return
  }
  show(message)
  await refresh()
}

function tokenForm (alert, button, message) {
  const input = el('input', { type: 'password', name: 'token', placeholder: 'alerts token', 'aria-label': 'Token to acknowledge alerts', required: true })
  return el('form', { class: 'token', onsubmit: (e) => { e.preventDefault(); token = input.value; acknowledge(alert, button, message) } },
    el('span', { class: 'error' }, 'Acknowledging needs the alerts token. '), input, el('button', { type: 'submit' }, 'Acknowledge'),
    el('button', { type: 'button', class: 'secondary', onclick: () => { asking = false; show(message); now(refresh) } }, 'Cancel'))
}

function alertRow (alert, withAck) {
  const message = el('div', { class: 'ack-message' })
  const button = el('button', { type: 'button', class: 'ack' }, 'Acknowledge')
  button.addEventListener('click', () => { acknowledge(alert, button, message) })
  const state = alert.acknowledged ? [badge(alert.state), ' ', badge(`acknowledged by ${alert.acknowledged.by}`, 'acknowledged')] : [badge(alert.state)]
  return el('tr', { dataset: { fingerprint: alert.fingerprint }, class: `state-${alert.state}` },
    el('td', {}, alert.name), el('td', { class: 'state' }, state), el('td', {}, badge(alert.severity)),
    el('td', {}, alert.annotations.summary ?? ''), el('td', { class: 'num' }, alert.value === null ? '–' : formatValue(alert.value)),
    el('td', {}, formatTime(iso(alert.activeAt))),
    withAck ? el('td', {}, alert.acknowledged || alert.state === 'resolved' ? '' : [button, message]) : el('td', {}, formatTime(iso(alert.endsAt))))
}

function alertTable (alerts, withAck, empty) {
  return el('div', { class: 'table-wrap' }, el('table', { class: 'alerts' },
    el('thead', {}, el('tr', {}, ['Alert', 'State', 'Severity', 'Summary', 'Value', 'Since', withAck ? '' : 'Resolved'].map((h) => el('th', {}, h)))),
    el('tbody', {}, alerts.length === 0 ? el('tr', {}, el('td', { colspan: 7, class: 'dim' }, empty)) : alerts.map((a) => alertRow(a, withAck)))))
}

/**
 * What this page saw of the engine's evaluations: @obs/alerts counts them and each rule's failures
 * but gives no time, so when the count moves between two refreshes the page notes when, and
 * which rules' failures moved with it.
 */
const seen = { count: undefined, errors: new Map(), at: null, failed: new Map() }

function observe (evaluations, allRules) {
  const errors = new Map(allRules.map((r) => [r.name, r.errors]))
  const count = evaluations?.count
  if (seen.count !== undefined && count !== undefined && count > seen.count) {
    seen.at = Date.now()
    for (const [name, n] of errors) seen.failed.set(name, n > (seen.errors.get(name) ?? 0))
  }
  seen.count = count
  seen.errors = errors
}

function lastEvaluation (rule) {
  if (!seen.failed.has(rule.name)) return el('span', { class: 'dim' }, 'not seen yet')
  if (!seen.failed.get(rule.name)) return badge('ok', 'pass')
  return [badge('failed', 'fail'), ' ', el('a', { href: `${prefix}logs?text=${encodeURIComponent(rule.name)}` }, 'its log lines')]
}

function ruleRow (rule, severity, state, forText, expression) {
  return el('tr', { class: rule.errors > 0 ? 'error' : '', dataset: { rule: rule.name } },
    el('td', {}, rule.name), el('td', {}, severity), el('td', {}, state), el('td', {}, forText), el('td', {}, expression),
    el('td', { class: 'last' }, lastEvaluation(rule)), el('td', { class: 'num' }, rule.errors))
}

async function refresh () {
  if (asking) return
  const body = await api('alerts')
  if (body.missing) {
    show(note, missingNote(body.missing))
    show(active); show(rules); show(past)
    return
  }
  show(note)
  show(active, el('h2', {}, 'Active alerts'), alertTable(body.active, true, 'No alert is pending or firing.'))
  const evaluations = body.evaluations
  observe(evaluations, [...body.rules, ...body.customRules])
  show(rules, el('h2', {}, 'Rules'),
    el('p', { class: 'dim' }, evaluations === null
      ? 'The engine has not reported evaluations (its metrics are not in the registry).'
      : `${evaluations.count} evaluations so far${evaluations.meanSeconds === null ? '' : `, ${(evaluations.meanSeconds * 1000).toFixed(1)} ms each on average`}` +
        (seen.at === null ? '; the next one will show here.' : `; the last one seen by this page at ${formatTime(seen.at)}.`)),
    el('div', { class: 'table-wrap' }, el('table', { class: 'rules' },
      el('thead', {}, el('tr', {}, ['Rule', 'Severity', 'State', 'For', 'Expression', 'Last evaluation', 'Failed evaluations'].map((h) => el('th', {}, h)))),
      el('tbody', {}, [
        ...body.rules.map((r) => ruleRow(r, r.severity ? badge(r.severity) : '–', badge(r.state), r.for ?? '0s', el('code', {}, r.expr))),
        ...body.customRules.map((r) => ruleRow(r, '–', '–', '–', el('span', { class: 'dim' }, `custom check (${r.reason})`)))
      ]))))
  show(past, el('h2', {}, 'History'), alertTable(body.history, false, 'No alert has resolved yet.'))
}

poll(refresh, 5000)
