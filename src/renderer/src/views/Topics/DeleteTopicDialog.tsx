import { useState } from 'react';
import { useAppStore } from '../../store';

/** Confirmation for deleting a topic: the name must be typed again. */
export function DeleteTopicDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const deleteTopic = useAppStore((s) => s.deleteTopic);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    const err = await deleteTopic(name);
    setBusy(false);
    if (err) setError(err.message);
    else onClose();
  };
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label={`Delete topic ${name}`}
      className="dialog"
      data-testid="delete-topic-dialog"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <p>
        Delete topic <strong>{name}</strong> and all its messages? This cannot be undone. Type the
        name to confirm.
      </p>
      <input
        autoFocus
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        aria-label="Topic name to confirm"
        data-testid="delete-topic-confirm-name"
      />
      <button
        type="button"
        className="danger"
        disabled={typed !== name || busy}
        onClick={confirm}
        data-testid="delete-topic-confirm"
      >
        Delete
      </button>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
