import { MAX_TIMELINE_TOPICS } from './TimelinePick';

/**
 * The topics a palette entry like `web, api, db` names for a timeline: two or more
 * comma-separated parts, each the name of a topic or the start of exactly one. Null when
 * the text is not such a list (or names a topic twice).
 */
export function timelineTopicsFor(text: string, names: readonly string[]): string[] | null {
  if (!text.includes(',')) return null;
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2 || parts.length > MAX_TIMELINE_TOPICS) return null;
  const topics: string[] = [];
  for (const part of parts) {
    const exact = names.find((n) => n === part);
    const starts = names.filter((n) => n.startsWith(part));
    const topic = exact ?? (starts.length === 1 ? starts[0] : undefined);
    if (topic === undefined || topics.includes(topic)) return null;
    topics.push(topic);
  }
  return topics;
}
