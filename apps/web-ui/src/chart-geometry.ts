// Geometry of the status page's line charts: pure, tested in test/ui.

export interface Point {
  /** Milliseconds since the epoch. */
  at: number;
  value: number;
}

export const CHART = { width: 360, height: 140, pad: { left: 40, right: 8, top: 10, bottom: 20 } };
const PAD = CHART.pad;

/** The polyline points of `points` scaled into the chart (pure, tested in test/ui). */
export function chartPath(points: Point[], width = CHART.width, height = CHART.height): { path: string; max: number } {
  const max = Math.max(1, ...points.map((p) => p.value));
  const first = points[0]?.at;
  const last = points[points.length - 1]?.at;
  if (first === undefined || last === undefined) return { path: '', max };
  const span = Math.max(1, last - first);
  const x = (at: number) => PAD.left + ((at - first) / span) * (width - PAD.left - PAD.right);
  const y = (v: number) => height - PAD.bottom - (v / max) * (height - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  return { path, max };
}
