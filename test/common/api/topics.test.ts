import { describe, expect, it } from 'vitest';
import { topicNameSchema, topicsRequests } from '../../../src/common/api/topics';
import { parseOrThrow } from '../../../src/common/api/validate';

describe('the topics contract', () => {
  it('accepts Kafka topic names and says why others are refused', () => {
    for (const ok of ['logs', 'app.logs-2', 'a_b', 'x'.repeat(249)])
      expect(topicNameSchema.safeParse(ok).success).toBe(true);
    const why = (name: string) => topicNameSchema.safeParse(name).error?.issues[0].message;
    expect(why('')).toBe('topic name is empty');
    expect(why('has space')).toMatch(/may only contain letters, digits/);
    expect(why('x'.repeat(250))).toMatch(/longer than 249/);
    expect(why('..')).toBe('topic name cannot be "." or ".."');
  });

  it('fills defaults and rejects unknown fields in requests', () => {
    expect(parseOrThrow(topicsRequests['topics.list'].params, {}, 'topics.list')).toEqual({
      includeInternal: false,
      filter: '',
    });
    expect(
      parseOrThrow(topicsRequests['topics.create'].params, { name: 't' }, 'topics.create'),
    ).toEqual({
      name: 't',
      partitions: 1,
      configs: {},
    });
    expect(() =>
      parseOrThrow(
        topicsRequests['topics.create'].params,
        { name: 't', partitions: 0 },
        'topics.create',
      ),
    ).toThrow(/topics.create: partitions:/);
    expect(() =>
      parseOrThrow(topicsRequests['topics.delete'].params, { name: 't' }, 'topics.delete'),
    ).toThrow(/confirm/);
    expect(() =>
      parseOrThrow(topicsRequests['topics.list'].params, { bogus: 1 }, 'topics.list'),
    ).toThrow(/bogus/);
  });
});
