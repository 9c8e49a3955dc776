import { useEffect, useMemo, useRef, useState } from 'react';
import type { SeekTarget } from '../../../common/api/messages';
import { navigate } from '../router';
import { savedSearchesOf } from '../store/slices/saved-searches';
import { routeOfSavedSearch } from '../views/Browser/SavedSearchOpener';
import { useAppStore } from '../store';
import { parseTimeInput } from '../views/Topics/format';
import { timelineTopicsFor } from '../views/Timeline/palette';
import './command-palette.css';

interface Command {
  id: string;
  label: string;
  run: () => void;
}

/**
 * Ctrl/Cmd+K: go to a topic, or, in an open topic, to an offset (`2:1500`; a bare `1500` is
 * offered in each partition of the view), a
 * time (`2026-05-01 10:00`), the earliest or the latest message. Arrows choose, Enter
 * runs, Esc closes.
 */
export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const topics = useAppStore((s) => s.topics.list);
  const watchTopics = useAppStore((s) => s.watchTopics);
  const currentTopic = useAppStore((s) => s.browser.topic);
  const timelineTopics = useAppStore((s) => s.browser.topics);
  const viewPartitions = useAppStore((s) => s.browser.partitions);
  const topicPartitions = useAppStore((s) => s.browser.topicPartitions);
  const seek = useAppStore((s) => s.seek);
  const savedSearches = useAppStore(savedSearchesOf);
  const settingsLoaded = useAppStore((s) => s.settings.view !== null);
  const loadSettings = useAppStore((s) => s.loadSettings);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        setOpen((o) => !o);
        setText('');
        setActive(0);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Saved searches are in the settings, loaded once the palette is first opened.
  useEffect(() => {
    if (open && !settingsLoaded) void loadSettings();
  }, [open, settingsLoaded, loadSettings]);
  // The topic list stays live only while the palette is open.
  useEffect(() => (open ? watchTopics() : undefined), [open, watchTopics]);
  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  const commands = useMemo(() => {
    const out: Command[] = [];
    const s = text.trim();
    const close = () => setOpen(false);
    const seekTo = (target: SeekTarget) => () => {
      close();
      void seek(target);
    };
    // What seeking acts on: the open topic, or the open timeline.
    const viewName = currentTopic ?? (timelineTopics ? 'the timeline' : null);
    if (viewName) {
      const m = currentTopic ? /^(?:(\d+)\s*:\s*)?(\d+)$/.exec(s) : null;
      if (m) {
        const offset = Number(m[2]);
        // A bare offset in a view of several partitions is ambiguous: offer it in each.
        const shown = viewPartitions ?? topicPartitions;
        const candidates = m[1] !== undefined ? [Number(m[1])] : shown.slice(0, 8);
        for (const partition of candidates) {
          out.push({
            id: `offset:${partition}`,
            label: `Go to partition ${partition}, offset ${offset} in ${currentTopic}`,
            run: seekTo({ kind: 'offset', partition, offset }),
          });
        }
      }
      const t = s.length >= 10 ? parseTimeInput(s) : null;
      if (t !== null)
        out.push({
          id: 'time',
          label: `Go to ${new Date(t).toLocaleString()} in ${viewName}`,
          run: seekTo({ kind: 'timestamp', timestamp: t }),
        });
      if ('earliest'.startsWith(s.toLowerCase()) && s)
        out.push({
          id: 'earliest',
          label: 'Go to the earliest message',
          run: seekTo({ kind: 'earliest' }),
        });
      if ('latest'.startsWith(s.toLowerCase()) && s)
        out.push({
          id: 'latest',
          label: 'Go to the latest message',
          run: seekTo({ kind: 'latest' }),
        });
    }
    const merged = timelineTopicsFor(
      s,
      topics.map((t) => t.name),
    );
    if (merged)
      out.push({
        id: 'timeline',
        label: `Open ${merged.join(', ')} on one timeline`,
        run: () => {
          close();
          navigate({ view: 'timeline', topics: merged });
        },
      });
    const needle = s.toLowerCase();
    for (const saved of savedSearches) {
      if (needle && !saved.name.toLowerCase().includes(needle)) continue;
      out.push({
        id: `search:${saved.name}`,
        label: `Saved search ${saved.name} (${saved.topic})`,
        run: () => {
          close();
          navigate(routeOfSavedSearch(saved));
        },
      });
    }
    for (const t of topics) {
      if (out.length >= 12) break;
      if (needle && !t.name.toLowerCase().includes(needle)) continue;
      out.push({
        id: `topic:${t.name}`,
        label: `Open topic ${t.name}`,
        run: () => {
          close();
          navigate({ view: 'topic', topic: t.name });
        },
      });
    }
    return out;
  }, [
    text,
    topics,
    currentTopic,
    timelineTopics,
    viewPartitions,
    topicPartitions,
    seek,
    savedSearches,
  ]);

  if (!open) return null;
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') setOpen(false);
    else if (e.key === 'ArrowDown') setActive((a) => Math.min(commands.length - 1, a + 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
    else if (e.key === 'Enter') commands[active]?.run();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div className="palette-backdrop" onClick={() => setOpen(false)}>
      <div
        className="palette"
        role="dialog"
        aria-label="Command palette"
        onClick={(e) => e.stopPropagation()}
        data-testid="command-palette"
      >
        <input
          ref={inputRef}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder={
            currentTopic
              ? 'topic, offset (2:1500), time (2026-05-01 10:00), latest…'
              : 'topic name, or topics a, b, c for one timeline…'
          }
          aria-label="Command"
          data-testid="palette-input"
        />
        <ul role="listbox">
          {commands.map((c, i) => (
            <li
              key={c.id}
              role="option"
              aria-selected={i === active}
              onMouseEnter={() => setActive(i)}
              onClick={c.run}
              data-testid="palette-option"
            >
              {c.label}
            </li>
          ))}
          {commands.length === 0 && <li className="muted">Nothing matches “{text}”.</li>}
        </ul>
      </div>
    </div>
  );
}
