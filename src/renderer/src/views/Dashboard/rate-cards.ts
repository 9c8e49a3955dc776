import type { ResultOf } from '../../../../common/api/contract';
import type { ChartSeries } from '../ops-common/TimeChart';

type Rates = ResultOf<'dashboard.rates'>;
type Points = Rates['total']['produced'];

export const PRODUCED_COLOR = '#2563eb';
export const CONSUMED_COLOR = '#16a34a';

/** One chart of the dashboard's rates: produced and, where groups read it, consumed. */
export interface RateCard {
  topic: string;
  /** Latest produced and consumed rates (null: no consumer group commits on it). */
  produced: number;
  consumed: number | null;
  /** The groups whose commits make up `consumed`. */
  groups: string[];
  times: number[];
  series: ChartSeries[];
}

/**
 * Both series on the same times: the sampler takes produced and consumed rates at the same
 * moments, but a consumed series starts later (a group's first sample is its baseline), so it
 * is aligned by timestamp and left blank where it has no point.
 */
function card(
  topic: string,
  produced: Points,
  consumed: Points | null,
  groups: string[],
): RateCard {
  const times = [...new Set([...produced, ...(consumed ?? [])].map((p) => p.timestamp))].sort(
    (a, b) => a - b,
  );
  const valuesOf = (points: Points) => {
    const at = new Map(points.map((p) => [p.timestamp, p.rate]));
    return times.map((t) => at.get(t) ?? null);
  };
  const series: ChartSeries[] = [
    { label: 'produced msg/s', color: PRODUCED_COLOR, values: valuesOf(produced) },
  ];
  if (consumed)
    series.push({ label: 'consumed msg/s', color: CONSUMED_COLOR, values: valuesOf(consumed) });
  return {
    topic,
    produced: produced[produced.length - 1]?.rate ?? 0,
    consumed: consumed ? (consumed[consumed.length - 1]?.rate ?? 0) : null,
    groups,
    times,
    series,
  };
}

/** The total over all topics (null until two samples), then one card per topic, busiest first. */
export function rateCards(rates: Rates | null): { total: RateCard | null; topics: RateCard[] } {
  if (!rates) return { total: null, topics: [] };
  const consumed = new Map(rates.consumed.map((c) => [c.topic, c]));
  const names = [...new Set([...rates.topics.map((t) => t.topic), ...consumed.keys()])];
  const produced = new Map(rates.topics.map((t) => [t.topic, t.points]));
  const topics = names
    .map((topic) => {
      const c = consumed.get(topic);
      return card(topic, produced.get(topic) ?? [], c?.points ?? null, c?.groups ?? []);
    })
    .filter((c) => c.times.length >= 2)
    .sort(
      (a, b) =>
        b.produced + (b.consumed ?? 0) - (a.produced + (a.consumed ?? 0)) ||
        a.topic.localeCompare(b.topic),
    );
  const total =
    rates.total.produced.length >= 2
      ? card('all topics', rates.total.produced, rates.total.consumed, [])
      : null;
  return { total, topics };
}
