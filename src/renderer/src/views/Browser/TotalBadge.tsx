import { useAppStore } from '../../store';
import { formatCount } from '../Topics/format';

/**
 * The browser's message count. It subscribes to `total` itself: every tail update changes the
 * total, and read in BrowserView it re-rendered the whole view each time.
 */
export function TotalBadge() {
  const total = useAppStore((s) => s.browser.total);
  return (
    <span className="badge" data-testid="browser-total">
      {formatCount(total)} messages
    </span>
  );
}
