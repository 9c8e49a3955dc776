import { memo, useState, type FormEvent } from 'react';
import type { SeekTarget } from '../../../../common/api/messages';
import { ArrowDownToLine, ArrowUpToLine } from 'lucide-react';
import { IconButton } from '../../components/ui/Button';
import { useAppStore } from '../../store';
import { parseTimeInput, TIME_INPUT_HELP } from '../Topics/format';

/**
 * Seek controls: offset, date and time, earliest, latest, last N. Input that cannot be a
 * position is answered inline with what is valid, before anything is asked of the backend;
 * the backend's own refusals (an offset outside the log) land in the same place.
 */
export const SeekBar = memo(function SeekBar({ offsets = true }: { offsets?: boolean }) {
  const seek = useAppStore((s) => s.seek);
  const partitions = useAppStore((s) => s.browser.partitions);
  const ends = useAppStore((s) => s.browser.ends);
  const seekError = useAppStore((s) => s.browser.seekError);
  const seekNote = useAppStore((s) => s.browser.seekNote);
  const [offset, setOffset] = useState('');
  const [time, setTime] = useState('');
  const [lastN, setLastN] = useState('100');
  const [localError, setLocalError] = useState<string | null>(null);

  const go = (target: SeekTarget | string) => {
    if (typeof target === 'string') return setLocalError(target);
    setLocalError(null);
    void seek(target);
  };

  const seekOffset = (e: FormEvent) => {
    e.preventDefault();
    go(
      parseOffsetInput(
        offset,
        partitions,
        ends.map((p) => p.partition),
      ),
    );
  };
  const seekTime = (e: FormEvent) => {
    e.preventDefault();
    const t = parseTimeInput(time);
    go(
      t === null
        ? `“${time}” is not a date and time; ${TIME_INPUT_HELP}`
        : { kind: 'timestamp', timestamp: t },
    );
  };
  const seekLast = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(lastN);
    go(
      Number.isInteger(n) && n >= 1
        ? { kind: 'lastN', n }
        : `last N: “${lastN}” is not a whole number of 1 or more`,
    );
  };

  const error = localError ?? seekError;
  return (
    <div className="seek-bar">
      {/* A timeline seeks by time: an offset is a place in one partition of one topic. */}
      {offsets && (
        <form onSubmit={seekOffset} className="input-group">
          <input
            value={offset}
            onChange={(e) => setOffset(e.target.value)}
            placeholder={partitions?.length === 1 ? 'offset' : 'partition:offset'}
            aria-label="Offset to seek to"
            size={12}
            data-testid="seek-offset"
          />
          <button type="submit" data-testid="seek-offset-go">
            Go to offset
          </button>
        </form>
      )}
      <form onSubmit={seekTime} className="input-group">
        <input
          value={time}
          onChange={(e) => setTime(e.target.value)}
          placeholder="2026-05-01 10:00:00"
          aria-label="Date and time to seek to"
          size={19}
          data-testid="seek-time"
        />
        <button type="submit" data-testid="seek-time-go">
          Go to time
        </button>
      </form>
      <span className="toolbar-group">
        <IconButton
          icon={ArrowUpToLine}
          label="Earliest"
          variant="default"
          onClick={() => go({ kind: 'earliest' })}
          data-testid="seek-earliest"
        />
        <IconButton
          icon={ArrowDownToLine}
          label="Latest"
          variant="default"
          onClick={() => go({ kind: 'latest' })}
          data-testid="seek-latest"
        />
      </span>
      <form onSubmit={seekLast} className="input-group">
        <button type="submit" data-testid="seek-last-go">
          Last
        </button>
        <input
          value={lastN}
          onChange={(e) => setLastN(e.target.value)}
          aria-label="How many of the newest messages"
          size={6}
          data-testid="seek-last"
        />
      </form>
      {error && (
        <p className="inline-error seek-message" role="alert" data-testid="seek-error">
          {error}
        </p>
      )}
      {!error && seekNote && (
        <p className="inline-note seek-message" data-testid="seek-note">
          {seekNote}
        </p>
      )}
    </div>
  );
});

/**
 * "42" in a one-partition view, "3:42" (partition:offset) in a merged one. Returns the
 * target, or a message saying what is wrong.
 */
export function parseOffsetInput(
  text: string,
  partitions: number[] | null,
  known: number[],
): SeekTarget | string {
  const s = text.trim();
  const m = /^(?:(\d+)\s*:\s*)?(\d+)$/.exec(s);
  // Several partitions (all, or a chosen few) make a bare offset ambiguous.
  const shown = partitions ?? known;
  if (!m) {
    return shown.length > 1 || partitions === null
      ? `“${text}” is not an offset; type partition:offset, e.g. 0:1500`
      : `“${text}” is not an offset; type a whole number, e.g. 1500`;
  }
  const offset = Number(m[2]);
  if (!Number.isSafeInteger(offset)) return `offset ${m[2]} is too large`;
  if (m[1] !== undefined) {
    const partition = Number(m[1]);
    if (!known.includes(partition))
      return `partition ${partition} is not in this view; it shows ${known.join(', ')}`;
    return { kind: 'offset', partition, offset };
  }
  if (shown.length > 1) {
    return `this view merges ${shown.length} partitions: type partition:offset, e.g. ${shown[0]}:${offset}`;
  }
  return {
    kind: 'offset',
    ...(partitions?.length === 1 ? { partition: partitions[0] } : {}),
    offset,
  };
}
