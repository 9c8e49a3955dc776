import { useState, type FormEvent } from 'react';
import { topicNameSchema } from '../../../../common/api/topics';
import { useAppStore } from '../../store';

/** Inline form for a new topic: name (checked as typed), partitions, retention in hours. */
export function CreateTopicForm({ onClose }: { onClose: () => void }) {
  const createTopic = useAppStore((s) => s.createTopic);
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [retentionHours, setRetentionHours] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const nameCheck = name === '' ? null : topicNameSchema.safeParse(name);
  const nameError = nameCheck && !nameCheck.success ? nameCheck.error.issues[0].message : null;
  const count = Number(partitions);
  const countError =
    Number.isInteger(count) && count >= 1 && count <= 10_000
      ? null
      : 'partitions: a whole number from 1 to 10000';
  const hours = retentionHours.trim() === '' ? null : Number(retentionHours);
  const retentionError =
    hours === null || (Number.isFinite(hours) && hours > 0)
      ? null
      : 'retention: a number of hours above 0, or empty for the default';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (name === '' || nameError || countError || retentionError) return;
    setBusy(true);
    const configs: Record<string, number> =
      hours === null ? {} : { 'retention.ms': Math.round(hours * 3_600_000) };
    const err = await createTopic(name, count, configs);
    setBusy(false);
    if (err) setError(err.message);
    else onClose();
  };

  return (
    <form className="create-topic" onSubmit={submit} data-testid="create-topic-form">
      <label>
        Name{' '}
        <input
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="create-topic-name"
        />
      </label>
      <label>
        Partitions{' '}
        <input
          value={partitions}
          inputMode="numeric"
          size={5}
          onChange={(e) => setPartitions(e.target.value)}
          data-testid="create-topic-partitions"
        />
      </label>
      <label>
        Retention (hours){' '}
        <input
          value={retentionHours}
          placeholder="default"
          size={8}
          onChange={(e) => setRetentionHours(e.target.value)}
        />
      </label>
      <button
        type="submit"
        disabled={busy || name === '' || !!nameError || !!countError || !!retentionError}
        data-testid="create-topic-submit"
      >
        Create
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      {[nameError, countError, retentionError, error].filter(Boolean).map((m) => (
        <p key={m} className="inline-error" role="alert">
          {m}
        </p>
      ))}
    </form>
  );
}
