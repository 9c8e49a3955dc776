import { X } from 'lucide-react';
import { useAppStore } from '../../store';
import { IconButton } from './Button';

/** The toasts of the store, newest last, announced politely to screen readers. */
export function Toasts() {
  const toasts = useAppStore((s) => s.toasts);
  const dismiss = useAppStore((s) => s.dismissToast);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className="toast" data-tone={t.tone} data-testid="toast">
          <span>{t.text}</span>
          <IconButton icon={X} label="Dismiss" size="sm" onClick={() => dismiss(t.id)} />
        </div>
      ))}
    </div>
  );
}
