/**
 * A tiny inline SVG line of recent message rates. Plain SVG rather than uPlot: a topic
 * list may show hundreds of these, and a polyline costs one DOM node.
 */
export function Sparkline({
  values,
  width = 80,
  height = 18,
}: {
  values: number[];
  width?: number;
  height?: number;
}) {
  if (values.length < 2)
    return <svg className="sparkline" width={width} height={height} aria-hidden="true" />;
  const max = Math.max(...values, 1e-9);
  const step = width / (values.length - 1);
  const points = values.map(
    (v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`,
  );
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      aria-label={`rate trend, peak ${max.toFixed(1)}/s`}
    >
      <polyline points={points.join(' ')} fill="none" stroke="var(--accent)" strokeWidth="1.2" />
    </svg>
  );
}
