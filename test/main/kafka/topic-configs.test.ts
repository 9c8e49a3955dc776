import { describe, expect, it } from 'vitest';
import type { TopicConfigs } from '../../../src/main/cluster/cluster';
import { applyTopicConfigs } from '../../../src/main/kafka/topic-configs';

const defaults: TopicConfigs = {
  'retention.ms': 604800000,
  'retention.bytes': -1,
  'segment.bytes': 1073741824,
  'segment.ms': 604800000,
  'cleanup.policy': 'delete',
  'delete.retention.ms': 86400000,
  'max.message.bytes': 1048588,
  'message.timestamp.type': 'CreateTime',
  'compression.type': 'producer',
};

describe('topic configs', () => {
  it('parses string and number values into their typed form', () => {
    const next = applyTopicConfigs(
      't',
      defaults,
      {
        'retention.ms': '60000',
        'segment.bytes': 4096,
        'cleanup.policy': 'delete,compact',
        'message.timestamp.type': 'LogAppendTime',
      },
      defaults,
    );
    expect(next['retention.ms']).toBe(60000);
    expect(next['segment.bytes']).toBe(4096);
    expect(next['cleanup.policy']).toBe('compact,delete');
    expect(next['message.timestamp.type']).toBe('LogAppendTime');
  });

  it('resets a value to its default when given null', () => {
    const changed = applyTopicConfigs('t', defaults, { 'retention.ms': 5 }, defaults);
    expect(
      applyTopicConfigs('t', changed, { 'retention.ms': null }, defaults)['retention.ms'],
    ).toBe(604800000);
  });

  it.each([
    ['retention.ms', 'soon', /retention.ms="soon" is not an integer/],
    ['retention.ms', -2, /below the minimum -1/],
    ['segment.bytes', 10, /segment.bytes=10 is below the minimum 14/],
    ['segment.ms', 0, /below the minimum 1/],
    ['cleanup.policy', 'archive', /cleanup.policy="archive" must be/],
    ['message.timestamp.type', 'Now', /must be CreateTime or LogAppendTime/],
    ['max.message.bytes', '1.5', /not an integer/],
    ['retention.bytes', 2 ** 60, /not an integer/],
  ])('rejects %s=%s with INVALID_CONFIG', (key, value, message) => {
    expect(() => applyTopicConfigs('logs', defaults, { [key]: value }, defaults)).toThrow(message);
    try {
      applyTopicConfigs('logs', defaults, { [key]: value }, defaults);
    } catch (err) {
      expect((err as { code: string }).code).toBe('INVALID_CONFIG');
      expect((err as Error).message).toContain('topic "logs"');
    }
  });

  it('rejects an unknown key and changes nothing when one value is bad', () => {
    expect(() =>
      applyTopicConfigs('t', defaults, { 'compression.typo': 'x' } as never, defaults),
    ).toThrow(/unknown config "compression.typo"/);
    const base = { ...defaults };
    expect(() =>
      applyTopicConfigs('t', base, { 'retention.ms': 1, 'segment.ms': -5 }, defaults),
    ).toThrow();
    expect(base['retention.ms']).toBe(604800000);
  });
});
