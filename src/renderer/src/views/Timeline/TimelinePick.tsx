import { useMemo, useState } from 'react';
import { GanttChart } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { navigate } from '../../router';
import { TOPIC_COLOURS } from './TopicCell';

/** At most this many topics on one timeline (the contract's limit). */
export const MAX_TIMELINE_TOPICS = 16;

export interface PickedTopics {
  list: string[];
  has(topic: string): boolean;
  toggle(topic: string): void;
}

/** Topics picked in the topics list for a timeline, in the order they were picked. */
export function usePickedTopics(): PickedTopics {
  const [list, setList] = useState<string[]>([]);
  return useMemo(
    () => ({
      list,
      has: (t) => list.includes(t),
      toggle: (t) =>
        setList((l) =>
          l.includes(t) ? l.filter((x) => x !== t) : [...l, t].slice(0, MAX_TIMELINE_TOPICS),
        ),
    }),
    [list],
  );
}

/**
 * Opens the picked topics on one timeline; says how to pick them until two are picked
 * (one topic alone is its own view). The order picked is the order of the colours.
 */
export function TimelinePick({ picked }: { picked: PickedTopics }) {
  const n = picked.list.length;
  return (
    <span className="timeline-pick" data-testid="timeline-pick">
      <Button
        icon={GanttChart}
        variant={n >= 2 ? 'primary' : 'default'}
        disabled={n < 2}
        title={
          n < 2
            ? 'Tick two or more topics to browse them merged by time'
            : `Browse ${picked.list.join(', ')} merged by time`
        }
        onClick={() => navigate({ view: 'timeline', topics: picked.list })}
        data-testid="timeline-open"
      >
        {n >= 2 ? `Timeline of ${n} topics` : 'Timeline'}
      </Button>
      {n < 2 && (
        <span className="muted" data-testid="timeline-hint">
          Tick topics to follow them on one timeline
        </span>
      )}
      {n > TOPIC_COLOURS && <span className="muted">colours repeat after {TOPIC_COLOURS}</span>}
    </span>
  );
}
