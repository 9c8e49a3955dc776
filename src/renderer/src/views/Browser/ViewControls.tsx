import { useEffect } from 'react';
import { Pause, Play } from 'lucide-react';
import { Button } from '../../components/ui/Button';
import { SegmentedControl } from '../../components/ui/SegmentedControl';
import { useAppStore } from '../../store';
import { formatCount } from '../Topics/format';
import { ColumnsMenu } from './ColumnsMenu';

const VALUE_MODES = [
  { value: 'fields', label: 'Fields' },
  { value: 'raw', label: 'Raw' },
] as const;

/** Follow / pause the tail, and how many arrived while paused (a topic's view, a timeline). */
export function FollowControls() {
  const following = useAppStore((s) => s.browser.following);
  const pending = useAppStore((s) => s.browser.pending);
  const setFollowing = useAppStore((s) => s.setFollowing);
  return (
    <>
      {!following && pending > 0 && (
        <Button
          variant="primary"
          size="sm"
          onClick={() => setFollowing(true)}
          data-testid="tail-pending"
        >
          {formatCount(pending)} new — resume
        </Button>
      )}
      <Button
        icon={following ? Pause : Play}
        aria-pressed={following}
        onClick={() => setFollowing(!following)}
        data-testid="tail-toggle"
      >
        {following ? 'Following' : 'Follow'}
      </Button>
    </>
  );
}

/** Fields as columns or the raw value, and the columns menu while fields are shown. */
export function ValueModeControls() {
  const showFields = useAppStore((s) => s.showFields);
  const setShowFields = useAppStore((s) => s.setShowFields);
  return (
    <>
      <SegmentedControl
        label="Value shown as"
        options={VALUE_MODES}
        value={showFields ? 'fields' : 'raw'}
        onChange={(m) => setShowFields(m === 'fields')}
        testId="value-mode"
      />
      {showFields && <ColumnsMenu />}
    </>
  );
}

/**
 * While the detail panel is open it shows the selected row, whatever moved the selection
 * (keys, a click, following the tail): the panel and the highlighted row never disagree.
 * In a timeline the row names its topic.
 */
export function DetailSync() {
  const selected = useAppStore((s) => s.browser.selected);
  const version = useAppStore((s) => s.browser.version);
  const open = useAppStore((s) => s.messageDetail !== null);
  const rowAt = useAppStore((s) => s.rowAt);
  const openDetail = useAppStore((s) => s.openDetail);
  useEffect(() => {
    if (!open || selected === null) return;
    const row = rowAt(selected);
    if (row) void openDetail(row.partition, row.offset, row.topic);
  }, [open, selected, version, rowAt, openDetail]);
  return null;
}
