import { Bookmark } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/ui/Button';
import { useAppStore } from '../../store';

/**
 * Saves the search shown under a name (query, partitions, time range, in the settings): the
 * palette (Ctrl/Cmd+K) and `#/search/<name>` open it again.
 */
export function SaveSearch() {
  const active = useAppStore((s) => s.search.active);
  const saveSearch = useAppStore((s) => s.saveSearch);
  const error = useAppStore((s) => s.settings.error);
  const [name, setName] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  if (!active) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (name === null) return;
    if (await saveSearch(name)) {
      setSaved(name.trim());
      setName(null);
    }
  };
  if (name === null)
    return (
      <span className="save-search">
        <Button
          size="sm"
          icon={Bookmark}
          onClick={() => {
            setName('');
            setSaved(null);
          }}
          data-testid="save-search"
        >
          Save search…
        </Button>
        {saved && (
          <span className="muted" data-testid="search-saved">
            Saved as “{saved}”: Ctrl/Cmd+K or #/search/{encodeURIComponent(saved)} opens it.
          </span>
        )}
      </span>
    );
  return (
    <form className="save-search" onSubmit={(e) => void submit(e)}>
      <input
        autoFocus
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="name, e.g. billing errors"
        aria-label="Name of the saved search"
        data-testid="save-search-name"
      />
      <Button size="sm" variant="primary" type="submit" disabled={name.trim() === ''}>
        Save
      </Button>
      <Button size="sm" onClick={() => setName(null)}>
        Cancel
      </Button>
      {error && (
        <span className="inline-error" role="alert" data-testid="save-search-error">
          {error.message}
        </span>
      )}
    </form>
  );
}
