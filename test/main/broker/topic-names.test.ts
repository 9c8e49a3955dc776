import { describe, expect, it } from 'vitest';
import { isInternalTopic, validateTopicName } from '../../../src/main/broker/topic-names';

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
}

describe('topic names', () => {
  it('accepts names made of letters, digits, dots, underscores and dashes', () => {
    for (const name of [
      'logs',
      'a',
      'app.nginx-access_log',
      'A1',
      '...',
      '__consumer_offsets',
      'x'.repeat(249),
    ]) {
      expect(
        codeOf(() => validateTopicName(name)),
        name,
      ).toBeUndefined();
    }
  });

  it('rejects empty, dot, dot-dot, too long and illegal characters with INVALID_TOPIC', () => {
    for (const name of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'ü', 'a:b', 'a\nb']) {
      expect(
        codeOf(() => validateTopicName(name)),
        JSON.stringify(name),
      ).toBe('INVALID_TOPIC');
    }
    expect(codeOf(() => validateTopicName(42))).toBe('INVALID_TOPIC');
  });

  it('names the offending topic in the message', () => {
    expect(() => validateTopicName('bad name')).toThrow(/"bad name"/);
  });

  it('treats names starting with two underscores as internal', () => {
    expect(isInternalTopic('__consumer_offsets')).toBe(true);
    expect(isInternalTopic('_single')).toBe(false);
  });
});
