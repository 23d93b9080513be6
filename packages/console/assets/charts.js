/* global ResizeObserver */
// Time-series charts on uPlot: one chart per figure, lines that can come and go (routes), gaps
// drawn where the console was not watching.
import { el } from './common.js'

// uPlot's browser build, loaded by the page before this module.
const UPlot = globalThis.uPlot

export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563']

/**
 * A chart in `container`: `update(times, lines)` redraws it with `times` in seconds and
 * `lines` as `[{ label, values }]` (values aligned with the times, null for no data).
 */
export function timeChart (container, { title, format = (v) => String(v), height = 180 }) {
  const figure = el('figure', { class: 'chart' }, el('figcaption', {}, title))
  const target = el('div', { class: 'plot' })
  figure.append(target)
  container.append(figure)
  let plot
  let labels = ''

  const build = (lines) => {
    plot?.destroy()
    plot = new UPlot({
      width: Math.max(target.clientWidth, 200),
      height,
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map(format), size: 84 }],
      series: [{}, ...lines.map((line, i) => ({
        label: line.label,
        stroke: COLORS[i % COLORS.length],
        width: 1.5,
        spanGaps: false,
        value: (_u, v) => v === null || v === undefined ? '–' : format(v)
      }))]
    }, [[], ...lines.map(() => [])], target)
  }

  new ResizeObserver(() => plot?.setSize({ width: Math.max(target.clientWidth, 200), height })).observe(target)

  return {
    figure,
    update (times, lines) {
      const key = lines.map((l) => l.label).join('\n')
      if (plot === undefined || key !== labels) {
        labels = key
        build(lines)
      }
      plot.setData([times, ...lines.map((l) => l.values)])
    }
  }
}
