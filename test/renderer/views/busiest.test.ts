import { describe, expect, it } from 'vitest';
import { busiestTopic } from '../../../src/renderer/src/views/Dashboard/busiest';

describe('the topic the dashboard opens on', () => {
  const disk = [
    { topic: 'logdock.logs', messages: 50_000 },
    { topic: 'billing', messages: 900 },
    { topic: 'api', messages: 100 },
  ];

  it('is the one receiving the most messages now', () => {
    const rates = [
      { topic: 'billing', points: [{ rate: 50 }, { rate: 1 }] },
      { topic: 'api', points: [{ rate: 2 }, { rate: 30 }] },
      { topic: 'logdock.logs', points: [{ rate: 500 }] },
    ];
    expect(busiestTopic(disk, rates)).toBe('api');
  });

  it('is the one holding the most messages when none is receiving, Logdock’s own log last', () => {
    expect(busiestTopic(disk, [])).toBe('billing');
    expect(busiestTopic([{ topic: 'logdock.logs', messages: 3 }], [])).toBe('logdock.logs');
    expect(busiestTopic([], [])).toBeNull();
  });
});
