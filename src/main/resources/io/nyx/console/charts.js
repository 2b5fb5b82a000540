// Charts with uPlot (vendored from its webjar, served by Nyx). Each chart is a figure with a text
// alternative, and follows its container's width.
import uPlot from '/console/vendor/uPlot.esm.js';
import { h } from './dom.js';

const INK = '#1d2440';
const ACCENT = '#3d5afe';
const CHOSEN = '#c2410c';
const MUTED = '#8a8fa3';

function figure(label, caption, build) {
  const holder = h('div', { class: 'chart' });
  const fig = h('figure', { class: 'figure', role: 'img', 'aria-label': label },
    holder, caption ? h('figcaption', { 'aria-hidden': 'true' }, caption) : null);
  // uPlot measures its container, so it is drawn once the figure is in the page.
  requestAnimationFrame(() => {
    const width = () => Math.max(240, Math.min(holder.clientWidth || 320, 720));
    const plot = build(width());
    holder.append(plot.root);
    if (window.ResizeObserver) {
      const ro = new ResizeObserver(() => {
        if (!holder.isConnected) {
          ro.disconnect();
          plot.destroy();
          return;
        }
        plot.setSize({ width: width(), height: plot.height });
      });
      ro.observe(holder);
    }
  });
  return fig;
}

function axis(extra) {
  return { stroke: INK, grid: { stroke: '#e3e5ee', width: 1 }, ticks: { stroke: '#c9ccd8' }, ...extra };
}

/** The routing scores as bars, the chosen specialist in another colour. */
export function scoresChart(scores, chosen) {
  const names = Object.keys(scores || {}).sort((a, b) => scores[b] - scores[a]);
  if (names.length === 0) return null;
  const values = names.map((n) => scores[n]);
  const label = `Routing scores: ${names.map((n) => `${n} ${values[names.indexOf(n)].toFixed(2)}`).join(', ')}`;
  const xs = names.map((_, i) => i);
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values, 0.1);
  const bars = uPlot.paths.bars({ size: [0.6, 48], align: 0 });
  return figure(label, 'routing scores', (width) => new uPlot({
    width,
    height: width / names.length < 80 ? 200 : 170,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: false, range: [-0.5, names.length - 0.5] }, y: { range: [lo, hi * 1.1] } },
    axes: [
      axis({
        splits: () => xs,
        values: (u, splits) => splits.map((i) => names[i] ?? ''),
        // Names turn when they would not fit side by side (a phone).
        rotate: width / names.length < 80 ? -40 : 0,
        size: width / names.length < 80 ? 64 : 30,
      }),
      axis({ size: 50, values: (u, splits) => splits.map((v) => v.toFixed(1)) }),
    ],
    series: [
      {},
      {
        label: 'score',
        paths: bars,
        points: { show: false },
        fill: ACCENT,
        stroke: ACCENT,
      },
      {
        label: 'chosen',
        paths: bars,
        points: { show: false },
        fill: CHOSEN,
        stroke: CHOSEN,
      },
    ],
  }, [xs, values.map((v, i) => (names[i] === chosen ? null : v)), values.map((v, i) => (names[i] === chosen ? v : null))]));
}

/** A trait's weight over time (epoch seconds, weights). */
export function weightChart(times, weights, name) {
  if (times.length === 0) return null;
  const first = weights[0];
  const last = weights[weights.length - 1];
  const label = `${name}'s weight over ${times.length} changes, from ${first.toFixed(3)} to ${last.toFixed(3)}`;
  return figure(label, 'weight over time', (width) => new uPlot({
    width,
    height: 200,
    legend: { show: false },
    scales: { y: { range: [0, 1] } },
    axes: [axis({}), axis({ size: 50 })],
    series: [{}, { label: 'weight', stroke: ACCENT, width: 2, points: { show: true, size: 5 } }],
  }, [times, weights]));
}

/**
 * A reliability diagram: for each confidence bin with rated answers, the share of good answers at
 * the bin's mean confidence, against the diagonal of perfect calibration.
 */
export function reliabilityChart(curve) {
  const bins = (curve || []).filter((b) => b.count > 0).sort((a, b) => a.confidence - b.confidence);
  if (bins.length === 0) return null;
  const xs = [0, ...bins.map((b) => b.confidence), 1];
  const acc = [null, ...bins.map((b) => b.accuracy), null];
  const label = `Reliability: ${bins.map((b) => `confidence ${b.lo.toFixed(1)}–${b.hi.toFixed(1)}: ${Math.round(b.accuracy * 100)}% good of ${b.count}`).join('; ')}`;
  return figure(label, 'calibration: share of good answers by confidence (dashed: perfect)', (width) => new uPlot({
    width,
    height: 220,
    legend: { show: false },
    scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
    axes: [axis({ label: 'confidence' }), axis({ size: 50, label: 'good' })],
    series: [
      {},
      { label: 'perfect', stroke: MUTED, dash: [4, 4], points: { show: false } },
      { label: 'observed', stroke: CHOSEN, width: 2, spanGaps: true, points: { show: true, size: 7, fill: CHOSEN } },
    ],
  }, [xs, xs.slice(), acc]));
}
