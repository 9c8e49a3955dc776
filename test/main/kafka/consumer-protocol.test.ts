import { describe, expect, it } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../src/main/kafka/consumer-protocol';

describe('consumer protocol codec', () => {
  it('round-trips a version 1 subscription with owned partitions', () => {
    const bytes = encodeSubscription({
      version: 1,
      topics: ['logs', 'metrics'],
      userData: Buffer.from('ud'),
      ownedPartitions: [{ topic: 'logs', partitions: [0, 2] }],
    });
    const sub = decodeSubscription(bytes);
    expect(sub.topics).toEqual(['logs', 'metrics']);
    expect(sub.userData?.toString()).toBe('ud');
    expect(sub.ownedPartitions).toEqual([{ topic: 'logs', partitions: [0, 2] }]);
  });

  it('decodes the exact bytes of a version 0 subscription as kafkajs writes them', () => {
    // version 0, topics ["a"], userData null
    const bytes = Buffer.from('0000' + '00000001' + '0001' + '61' + 'ffffffff', 'hex');
    expect(decodeSubscription(bytes)).toMatchObject({ version: 0, topics: ['a'], userData: null });
  });

  it('reads a newer version by the fields it knows, ignoring appended ones', () => {
    const v3 = encodeSubscription({ version: 3, topics: ['t'], generationId: 7, rackId: 'r1' });
    const extended = Buffer.concat([v3, Buffer.from('deadbeef', 'hex')]);
    expect(decodeSubscription(extended)).toMatchObject({
      topics: ['t'],
      generationId: 7,
      rackId: 'r1',
    });
  });

  it('round-trips an assignment and decodes an empty buffer as no partitions', () => {
    const bytes = encodeAssignment({ assignedPartitions: [{ topic: 'logs', partitions: [1, 3] }] });
    expect(decodeAssignment(bytes).assignedPartitions).toEqual([
      { topic: 'logs', partitions: [1, 3] },
    ]);
    expect(decodeAssignment(Buffer.alloc(0)).assignedPartitions).toEqual([]);
  });

  it('rejects truncated bytes with CORRUPT_RECORD naming the field', () => {
    const bytes = encodeSubscription({ topics: ['logs'] });
    expect(() => decodeSubscription(bytes.subarray(0, 7))).toThrow(/subscription: field topic/);
    expect(() => decodeAssignment(Buffer.from('0000ffffff7f', 'hex'))).toThrow(
      expect.objectContaining({ code: 'CORRUPT_RECORD' }),
    );
  });
});
