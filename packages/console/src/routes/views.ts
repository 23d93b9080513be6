/** The pages: one URL each, under the prefix. */
export const VIEWS = [
  { id: 'overview', path: '', title: 'Overview', charts: true },
  { id: 'traces', path: 'traces', title: 'Traces', charts: false },
  { id: 'logs', path: 'logs', title: 'Logs', charts: false },
  { id: 'alerts', path: 'alerts', title: 'Alerts', charts: false },
  { id: 'metrics', path: 'metrics', title: 'Metrics', charts: true }
] as const

export type View = typeof VIEWS[number]

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

export interface PageSettings {
  prefix: string
  alertsPath: string
}

/** The HTML shell of a view: navigation, an empty `<main>`, and the view's module. */
export function renderPage (view: View, settings: PageSettings): string {
  const p = escapeHtml(settings.prefix)
  const nav = VIEWS.map((v) => `<a href="${p}${v.path}"${v.id === view.id ? ' aria-current="page"' : ''}>${v.title}</a>`).join('')
  const charts = view.charts ? `<link rel="stylesheet" href="${p}assets/uPlot.min.css">` : ''
  const chartScript = view.charts ? `<script src="${p}assets/uPlot.iife.min.js"></script>` : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${view.title} · @obs console</title>
<link rel="icon" href="data:,">
${charts}<link rel="stylesheet" href="${p}assets/console.css">
</head>
<body data-view="${view.id}" data-prefix="${p}" data-alerts-path="${escapeHtml(settings.alertsPath)}">
<header><a class="brand" href="${p}">@obs console</a><nav>${nav}</nav><span id="live" class="live" aria-live="polite"></span></header>
<main id="view"></main>
${chartScript}<script type="module" src="${p}assets/${view.id}.js"></script>
</body>
</html>
`
}

/** The sign-in form (bearer-token auth): no script, a POST to the prefix's `login`. */
export function renderSignIn (prefix: string, next: string, failed: boolean): string {
  const p = escapeHtml(prefix)
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign in · @obs console</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${p}assets/console.css"></head>
<body><main class="sign-in">
<h1>@obs console</h1>
<form method="post" action="${p}login">
<label>Token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
${failed ? '<p class="error" role="alert">That token is not the right one.</p>' : ''}
</form>
</main></body>
</html>
`
}
