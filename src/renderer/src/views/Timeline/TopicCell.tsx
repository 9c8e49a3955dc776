import './timeline.css';

/** Colours a timeline gives its topics, in the order the topics are listed (then again). */
export const TOPIC_COLOURS = 8;

/** The colour slot of a topic in a timeline: its place in the list. */
export function topicColour(topics: readonly string[], topic: string | undefined): number {
  const i = topic === undefined ? -1 : topics.indexOf(topic);
  return i < 0 ? 0 : i % TOPIC_COLOURS;
}

/** A row's topic in a timeline: its name on its colour, so services stand apart at a glance. */
export function TopicCell({ topic, colour }: { topic: string | undefined; colour: number }) {
  return (
    <span className={`col-topic topic-c${colour}`} title={topic} data-testid="row-topic">
      {topic}
    </span>
  );
}

/** A topic's name in its timeline colour (legend, chips). */
export function TopicChip({ topic, colour }: { topic: string; colour: number }) {
  return <span className={`topic-chip topic-c${colour}`}>{topic}</span>;
}
