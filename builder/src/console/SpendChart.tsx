import { useEffect, useRef } from 'react';
// Only the parts drawn here, registered once: a line chart on a category (day) axis and a linear (dollar) axis.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { formatMicros } from './money.js';
import type { SpendSeries } from './spend-series.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const SPENT = '#2563eb';
const BUDGET = '#c0262d';
const dollars = (v: number | null) => (v === null ? null : v / 1_000_000);

/**
 * This month's cumulative spend per day against the budget line, drawn by chart.js on a canvas. chart.js 4
 * builds no code from strings, so it runs under the page's CSP (script-src 'self', no eval). The canvas is an
 * image to assistive technology, named with the same numbers in words; the ledger below has every entry.
 */
export function SpendChart({ series, month }: { series: SpendSeries; month: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line'> | null>(null);
  const budget = series.budget[0] ?? null;

  useEffect(() => {
    chart.current = new Chart(canvas.current!, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { title: { display: true, text: `Day of ${month}` } },
          y: { beginAtZero: true, ticks: { callback: (v) => formatMicros(Number(v) * 1_000_000) } },
        },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${formatMicros(Number(c.raw) * 1_000_000)}` } } },
      },
    });
    return () => { chart.current?.destroy(); chart.current = null; };
  }, [month]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = series.labels;
    c.data.datasets = [
      { label: 'Spent so far', data: series.spent.map(dollars), borderColor: SPENT, backgroundColor: SPENT, pointRadius: 2, tension: 0 },
      ...(budget === null ? [] : [{ label: 'Budget', data: series.budget.map(dollars), borderColor: BUDGET, backgroundColor: BUDGET, borderDash: [6, 4], pointRadius: 0 }]),
    ];
    c.update();
  }, [series, budget]);

  const summary = `Spend in ${month}: ${formatMicros(series.totalMicros)}${budget === null ? ', no monthly budget set' : ` of a ${formatMicros(budget)} budget`}.`;
  return (
    <div className="spend-chart">
      <canvas ref={canvas} role="img" aria-label={summary} data-testid="spend-chart">{summary}</canvas>
    </div>
  );
}
