import { useEffect, useState } from 'react';
import type { TopicSettingsView as Settings } from '../../../../common/api/topic-settings';
import { hrefFor } from '../../router';
import { PageHeader } from '../../components/ui/PageHeader';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import {
  formatBytes,
  formatDuration,
  formatTime,
  parseBytes,
  parseDuration,
} from '../ops-common/format';
import '../ops-common/ops.css';

interface Draft {
  retention: string;
  retentionBytes: string;
  cleanupPolicy: Settings['cleanupPolicy'];
  segmentBytes: string;
  partitions: string;
}

const toDraft = (s: Settings): Draft => ({
  retention: formatDuration(s.retentionMs),
  retentionBytes:
    s.retentionBytes < 0 ? 'unlimited' : formatBytes(s.retentionBytes).replace(' ', ''),
  cleanupPolicy: s.cleanupPolicy,
  segmentBytes: formatBytes(s.segmentBytes).replace(' ', ''),
  partitions: String(s.partitions),
});

/** Validates every field; returns the changes or the errors by field. */
export function validateTopicDraft(
  d: Draft,
  current: Settings,
):
  | { changes: { configs: Partial<Omit<Settings, 'topic' | 'partitions'>>; partitions?: number } }
  | { errors: Partial<Record<keyof Draft, string>> } {
  const errors: Partial<Record<keyof Draft, string>> = {};
  const retentionMs = parseDuration(d.retention);
  if (retentionMs === null) errors.retention = 'e.g. 7d, 12h, 30m or forever';
  const retentionBytes = parseBytes(d.retentionBytes);
  if (retentionBytes === null) errors.retentionBytes = 'e.g. 1GiB, 500MiB or unlimited';
  const segmentBytes = parseBytes(d.segmentBytes);
  if (segmentBytes === null || segmentBytes < 1024 || segmentBytes > 2 ** 31 - 1) {
    errors.segmentBytes = 'between 1KiB and 2GiB';
  }
  const partitions = Number(d.partitions);
  if (!/^\d+$/.test(d.partitions.trim()) || partitions < 1)
    errors.partitions = 'a whole number ≥ 1';
  else if (partitions < current.partitions) {
    errors.partitions = `can only be increased (now ${current.partitions})`;
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    changes: {
      configs: {
        retentionMs: retentionMs!,
        retentionBytes: retentionBytes!,
        cleanupPolicy: d.cleanupPolicy,
        segmentBytes: segmentBytes!,
      },
      ...(partitions > current.partitions ? { partitions } : {}),
    },
  };
}

/**
 * A topic's retention (time in human units, size), cleanup policy, segment size and
 * partition count (increase only), validated in the form and by the broker; and the
 * segments on disk with the ones the next retention pass will delete.
 */
export function TopicSettingsView({ topic }: { topic: string }) {
  const shown = useAppStore((s) => s.topicSettings);
  const loadTopicSettings = useAppStore((s) => s.loadTopicSettings);
  const saveTopicSettings = useAppStore((s) => s.saveTopicSettings);
  const current = shown.topic === topic ? shown : null;
  const settings = current?.settings ?? null;
  const segments = current?.segments ?? null;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<keyof Draft, string>>>({});

  useEffect(() => {
    setDraft(null);
    void loadTopicSettings(topic);
  }, [topic, loadTopicSettings]);
  // The form starts from the saved values, and again after each successful apply.
  useEffect(() => {
    if (settings) setDraft(toDraft(settings));
  }, [settings]);

  const save = async () => {
    if (!draft || !settings) return;
    const checked = validateTopicDraft(draft, settings);
    if ('errors' in checked) {
      setFieldErrors(checked.errors);
      return;
    }
    setFieldErrors({});
    await saveTopicSettings(topic, checked.changes);
  };
  const error = current?.error ?? null;
  const saved = current?.savedAt !== null && current?.savedAt !== undefined;

  const field = (key: keyof Draft, label: string, hint?: string) => (
    <>
      <label htmlFor={`ts-${key}`}>{label}</label>
      <input
        id={`ts-${key}`}
        value={draft?.[key] ?? ''}
        onChange={(e) => setDraft((d) => (d ? { ...d, [key]: e.target.value } : d))}
        aria-invalid={fieldErrors[key] ? true : undefined}
        title={hint}
      />
      {fieldErrors[key] && <span className="field-error">{fieldErrors[key]}</span>}
    </>
  );

  const doomed = segments?.segments.filter((s) => s.deletion) ?? [];
  const compacted = segments?.segments.some((s) => s.compaction !== null) ?? false;

  return (
    <section className="ops-view" data-testid="topic-settings">
      <PageHeader
        crumbs={[
          { label: 'Topics', href: hrefFor({ view: 'topics' }) },
          { label: topic, href: hrefFor({ view: 'topic', topic }) },
        ]}
        title="Settings"
        testId="topic-settings-title"
      />
      <ErrorLine error={error} testId="topic-settings-error" />
      {draft && settings && (
        <>
          <div className="ops-form">
            {field('retention', 'Retention time', 'e.g. 7d, 12h, 30m or forever')}
            {field('retentionBytes', 'Retention size (per partition)', 'e.g. 1GiB or unlimited')}
            <label htmlFor="ts-cleanup">Cleanup policy</label>
            <select
              id="ts-cleanup"
              value={draft.cleanupPolicy}
              onChange={(e) =>
                setDraft({ ...draft, cleanupPolicy: e.target.value as Draft['cleanupPolicy'] })
              }
            >
              <option value="delete">delete (by time and size)</option>
              <option value="compact">compact (keep the latest per key)</option>
              <option value="compact,delete">compact and delete</option>
            </select>
            {field('segmentBytes', 'Segment size')}
            {field('partitions', 'Partitions (increase only)')}
          </div>
          <div className="ops-actions">
            <button
              className="primary"
              data-testid="topic-settings-save"
              onClick={() => void save()}
            >
              Apply
            </button>
            <button onClick={() => setDraft(toDraft(settings))}>Reset form</button>
            {saved && <span data-testid="topic-settings-saved">Applied.</span>}
          </div>
        </>
      )}
      {current?.segmentsLocalOnly && (
        <>
          <h2>Segments on disk</h2>
          <p className="ops-note" data-testid="segments-local-only">
            Local-only: segment files and what retention deletes next are shown for the embedded
            cluster (local) only, as this cluster keeps them on its brokers:{' '}
            {current.segmentsLocalOnly}.
          </p>
        </>
      )}
      {segments && (
        <>
          <h2>Segments on disk</h2>
          <p className="ops-note" data-testid="retention-summary">
            {doomed.length === 0
              ? 'Retention will delete no segment on its next pass.'
              : `Retention will delete ${doomed.length} segment(s) (${formatBytes(
                  doomed.reduce((n, s) => n + s.sizeBytes, 0),
                )}) on its next pass.`}
          </p>
          <table className="ops-table" data-testid="segments-table">
            <thead>
              <tr>
                <th className="num">Partition</th>
                <th className="num">Base offset</th>
                <th className="num">Messages</th>
                <th className="num">Size</th>
                <th>First message</th>
                <th>Newest message</th>
                <th>Next retention pass</th>
                {compacted && <th>Compaction</th>}
              </tr>
            </thead>
            <tbody>
              {segments.segments.map((s) => (
                <tr key={`${s.partition}:${s.baseOffset}`} data-deletion={s.deletion ?? 'none'}>
                  <td className="num">{s.partition}</td>
                  <td className="num">
                    <a
                      href={hrefFor({
                        view: 'topic',
                        topic,
                        partition: s.partition,
                        offset: s.baseOffset,
                      })}
                    >
                      {s.baseOffset}
                    </a>
                  </td>
                  <td className="num">{s.nextOffset - s.baseOffset}</td>
                  <td className="num">{formatBytes(s.sizeBytes)}</td>
                  <td>{s.firstTimestamp === null ? '–' : formatTime(s.firstTimestamp)}</td>
                  <td>{s.maxTimestamp === null ? '–' : formatTime(s.maxTimestamp)}</td>
                  <td>
                    {s.deletion === 'time'
                      ? 'deleted: older than retention time'
                      : s.deletion === 'size'
                        ? 'deleted: over retention size'
                        : s.active
                          ? 'active segment (kept)'
                          : 'kept'}
                  </td>
                  {compacted && (
                    <td data-compaction={s.compaction}>
                      {s.compaction === 'cleaned' ? 'cleaned' : 'not yet compacted'}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
