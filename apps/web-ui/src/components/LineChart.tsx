// A small hand-written SVG line chart of the last values polled (no chart library needed).
import { CHART, chartPath, type Point } from '../chart-geometry';

export function LineChart({ title, unit, points, testId }: { title: string; unit: string; points: Point[]; testId: string }) {
  const { path, max } = chartPath(points);
  const last = points[points.length - 1];
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>
        {title}: <strong>{last ? `${last.value} ${unit}` : '…'}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${CHART.width} ${CHART.height}`} role="img" aria-label={`${title} over the last ${points.length} samples`}>
        <line className="axis" x1={CHART.pad.left} y1={CHART.height - CHART.pad.bottom} x2={CHART.width - CHART.pad.right} y2={CHART.height - CHART.pad.bottom} />
        <line className="axis" x1={CHART.pad.left} y1={CHART.pad.top} x2={CHART.pad.left} y2={CHART.height - CHART.pad.bottom} />
        <text className="tick" x={CHART.pad.left - 4} y={CHART.pad.top + 4} textAnchor="end">
          {max}
        </text>
        <text className="tick" x={CHART.pad.left - 4} y={CHART.height - CHART.pad.bottom} textAnchor="end">
          0
        </text>
        <text className="tick" x={CHART.width - CHART.pad.right} y={CHART.height - 4} textAnchor="end">
          now
        </text>
        {path && <path className="line" d={path} />}
      </svg>
    </figure>
  );
}
