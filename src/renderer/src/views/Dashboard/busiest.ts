/**
 * The topic the dashboard opens on: the one receiving the most messages now (its latest
 * rate sample), else the one holding the most messages. Logdock's own log comes last, so a
 * quiet workstation shows its collected logs rather than Logdock talking about itself.
 */
export function busiestTopic(
  disk: { topic: string; messages: number }[],
  rates: { topic: string; points: { rate: number }[] }[],
): string | null {
  const rateOf = new Map(rates.map((r) => [r.topic, r.points[r.points.length - 1]?.rate ?? 0]));
  const ranked = [...disk].sort(
    (a, b) =>
      Number(a.topic.startsWith('logdock.')) - Number(b.topic.startsWith('logdock.')) ||
      (rateOf.get(b.topic) ?? 0) - (rateOf.get(a.topic) ?? 0) ||
      b.messages - a.messages ||
      a.topic.localeCompare(b.topic),
  );
  return ranked[0]?.topic ?? null;
}
