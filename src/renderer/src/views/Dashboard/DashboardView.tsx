import { useEffect, useMemo, useState } from 'react';
import { LOG_LEVELS, type LogLevel } from '../../../../common/api/dashboard';
import { hrefFor } from '../../router';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import { formatBytes, formatRate } from '../ops-common/format';
import { TimeChart } from '../ops-common/TimeChart';
import { busiestTopic } from './busiest';
import { rateCards, type RateCard } from './rate-cards';
import { usePolling } from '../ops-common/usePolling';
import '../ops-common/ops.css';

export const LEVEL_COLORS: Record<LogLevel, string> = {
  fatal: '#7f1d1d',
  error: '#dc2626',
  warn: '#f59e0b',
  info: '#2563eb',
  debug: '#6b7280',
  trace: '#a3a3a3',
  none: '#cbd5e1',
};

const WINDOWS = [
  ['15m', 15 * 60_000],
  ['1h', 3_600_000],
  ['6h', 6 * 3_600_000],
  ['24h', 24 * 3_600_000],
  ['7d', 7 * 24 * 3_600_000],
] as const;

/** Messages over time stacked by level, for one topic; a click opens the browser there. */
function LevelHistogram({ topics, busiest }: { topics: string[]; busiest: string | null }) {
  const histogram = useAppStore((s) => s.dashboard.histogram);
  const error = useAppStore((s) => s.dashboard.histogramError);
  const loadHistogram = useAppStore((s) => s.loadHistogram);
  const openTopicAt = useAppStore((s) => s.openTopicAt);
  const preferred = busiest ?? topics[0] ?? '';
  const [topic, setTopic] = useState('');
  const [windowMs, setWindowMs] = useState<number>(3_600_000);
  const chosen = topic || preferred;
  // The busiest topic is chosen once; later figures do not switch what the person looks at.
  useEffect(() => {
    if (!topic && preferred) setTopic(preferred);
  }, [topic, preferred]);

  usePolling(
    async () => {
      if (!chosen) return;
      const to = Date.now();
      await loadHistogram(chosen, to - windowMs, to, 60);
    },
    10_000,
    [chosen, windowMs],
  );

  const chart = useMemo(() => {
    if (!histogram || histogram.topic !== chosen) return null;
    const used = LOG_LEVELS.filter((l) => histogram.buckets.some((b) => b.counts[l] > 0));
    return {
      times: histogram.buckets.map((b) => b.start),
      series: used.map((l) => ({
        label: l,
        color: LEVEL_COLORS[l],
        values: histogram.buckets.map((b) => b.counts[l]),
      })),
      total: histogram.buckets.reduce(
        (n, b) => n + LOG_LEVELS.reduce((m, l) => m + b.counts[l], 0),
        0,
      ),
    };
  }, [histogram, chosen]);

  return (
    <div
      className="ops-card"
      data-testid="level-histogram"
      data-span={
        histogram && histogram.topic === chosen ? histogram.to - histogram.from : undefined
      }
    >
      <h2>Messages by level</h2>
      <div className="ops-actions">
        <select
          aria-label="histogram topic"
          value={chosen}
          onChange={(e) => setTopic(e.target.value)}
        >
          {topics.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <select
          aria-label="histogram window"
          value={windowMs}
          onChange={(e) => setWindowMs(Number(e.target.value))}
        >
          {WINDOWS.map(([label, ms]) => (
            <option key={label} value={ms}>
              last {label}
            </option>
          ))}
        </select>
      </div>
      <ErrorLine error={error} />
      {chart && chart.total === 0 && <p className="ops-note">No messages in this window.</p>}
      {chart && chart.total > 0 && (
        <>
          <TimeChart
            times={chart.times}
            series={chart.series}
            bars
            onClickTime={(t) => void openTopicAt(chosen, t)}
            testId="histogram-chart"
          />
          <p className="ops-note" data-testid="histogram-summary">
            {chart.total} message(s)
            {histogram?.truncated ? ' (newest only: the window holds more)' : ''}. Click a bar to
            open the messages of that moment.
          </p>
        </>
      )}
    </div>
  );
}

/** One rates card: produced and consumed msg/s now, and their chart over the window. */
function RateChart({
  card,
  testId,
  onClickTime,
}: {
  card: RateCard;
  testId: string;
  onClickTime?: (ms: number) => void;
}) {
  const consumers = card.groups.length === 1 ? '1 group' : `${card.groups.length} groups`;
  return (
    <div className="ops-card" data-testid={testId}>
      <strong>
        {onClickTime ? (
          <a href={hrefFor({ view: 'topic', topic: card.topic })}>{card.topic}</a>
        ) : (
          card.topic
        )}
      </strong>{' '}
      <span className="ops-note" data-testid={`${testId}-now`}>
        {formatRate(card.produced)} msg/s produced
        {card.consumed === null
          ? ''
          : ` · ${formatRate(card.consumed)} msg/s consumed${
              card.groups.length ? ` (${consumers}: ${card.groups.join(', ')})` : ''
            }`}
      </span>
      <TimeChart times={card.times} series={card.series} height={120} onClickTime={onClickTime} />
    </div>
  );
}

/**
 * The dashboard: messages/s produced and consumed per topic over the last minutes, disk use per topic, and the
 * level histogram of collected logs; every chart opens the message browser at the clicked time.
 */
export function DashboardView() {
  const rates = useAppStore((s) => s.dashboard.rates);
  const disk = useAppStore((s) => s.dashboard.disk);
  const error = useAppStore((s) => s.dashboard.error);
  const loadDashboard = useAppStore((s) => s.loadDashboard);
  const openTopicAt = useAppStore((s) => s.openTopicAt);
  usePolling(loadDashboard, 5000);

  const maxSize = Math.max(1, ...disk.map((d) => d.sizeBytes));
  const cards = useMemo(() => rateCards(rates), [rates]);

  return (
    <section className="ops-view" data-testid="dashboard-view">
      <h1>Dashboard</h1>
      <ErrorLine error={error} />
      <LevelHistogram
        topics={disk.map((d) => d.topic).sort()}
        busiest={busiestTopic(disk, rates?.topics ?? [])}
      />
      <h2>Messages per second</h2>
      <p className="ops-note">
        Produced: messages appended to each topic. Consumed: how fast consumer groups&apos;
        committed offsets move on it (summed over its groups).
      </p>
      {cards.topics.length === 0 ? (
        <p className="ops-note">Collecting samples…</p>
      ) : (
        <div className="ops-cards">
          {cards.total && <RateChart card={cards.total} testId="rate-total" />}
          {cards.topics.map((c) => (
            <RateChart
              key={c.topic}
              card={c}
              testId={`rate-${c.topic}`}
              onClickTime={(t) => void openTopicAt(c.topic, t)}
            />
          ))}
        </div>
      )}
      <h2>Disk use</h2>
      <table className="ops-table" data-testid="disk-table">
        <thead>
          <tr>
            <th>Topic</th>
            <th className="num">Partitions</th>
            <th className="num">Messages</th>
            <th className="num">Size</th>
            <th style={{ width: '30%' }} />
            <th />
          </tr>
        </thead>
        <tbody>
          {disk.map((d) => (
            <tr key={d.topic} data-testid={`disk-${d.topic}`}>
              <td>
                <a href={hrefFor({ view: 'topic', topic: d.topic })}>{d.topic}</a>
              </td>
              <td className="num">{d.partitions}</td>
              <td className="num">{d.messages}</td>
              <td className="num">{formatBytes(d.sizeBytes)}</td>
              <td>
                <div
                  style={{
                    height: 8,
                    width: `${(100 * Math.max(0, d.sizeBytes)) / maxSize}%`,
                    background: 'var(--accent)',
                    borderRadius: 4,
                  }}
                />
              </td>
              <td>
                <a href={hrefFor({ view: 'topicSettings', topic: d.topic })}>settings</a> ·{' '}
                <a href={hrefFor({ view: 'replay', topic: d.topic })}>replay</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
