import { useState } from 'react';
import { Trash2 } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { Dialog } from '../../components/ui/Dialog';
import { useAppStore } from '../../store';

/** Confirmation for deleting a topic: the name must be typed again. */
export function DeleteTopicDialog({ name, onClose }: { name: string; onClose: () => void }) {
  const deleteTopic = useAppStore((s) => s.deleteTopic);
  const toast = useAppStore((s) => s.toast);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    const err = await deleteTopic(name);
    setBusy(false);
    if (err) return setError(err.message);
    toast(`Topic ${name} deleted.`, 'ok');
    onClose();
  };
  return (
    <Dialog title={`Delete topic ${name}`} onClose={onClose} testId="delete-topic-dialog">
      <p>
        Delete topic <strong>{name}</strong> and all its messages? This cannot be undone. Type the
        name to confirm.
      </p>
      <input
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        aria-label="Topic name to confirm"
        data-testid="delete-topic-confirm-name"
      />
      <div className="dialog-actions">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="danger"
          icon={Trash2}
          disabled={typed !== name || busy}
          onClick={confirm}
          data-testid="delete-topic-confirm"
        >
          Delete
        </Button>
      </div>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
