import { describe, expect, it } from 'vitest';
import {
  decodeGroupMetadataValue,
  decodeOffsetCommitValue,
  decodeOffsetsKey,
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  offsetsPartitionFor,
} from '../../../src/main/broker/offsets-codec';

describe('__consumer_offsets codecs', () => {
  it('writes offset commit key version 1 byte for byte as Kafka does', () => {
    const key = encodeOffsetCommitKey('g', 'logs', 3);
    expect(key.toString('hex')).toBe(
      '0001' + '0001' + '67' + '0004' + Buffer.from('logs').toString('hex') + '00000003',
    );
    expect(decodeOffsetsKey(key)).toEqual({
      type: 'offset',
      group: 'g',
      topic: 'logs',
      partition: 3,
    });
  });

  it('writes group metadata key version 2', () => {
    const key = encodeGroupMetadataKey('billing');
    expect(key.readInt16BE(0)).toBe(2);
    expect(decodeOffsetsKey(key)).toEqual({ type: 'group', group: 'billing' });
  });

  it('writes offset commit value version 3 and reads versions 0, 1 and 3', () => {
    const v3 = encodeOffsetCommitValue({
      offset: 2 ** 40 + 5,
      leaderEpoch: -1,
      metadata: 'm',
      commitTimestamp: 1700000000000,
    });
    expect(v3.readInt16BE(0)).toBe(3);
    expect(decodeOffsetCommitValue(v3)).toEqual({
      offset: 2 ** 40 + 5,
      leaderEpoch: -1,
      metadata: 'm',
      commitTimestamp: 1700000000000,
      expireTimestamp: -1,
    });
    const v1 = Buffer.from(
      '0001' + '000000000000002a' + '0000' + '0000018bcfe56800' + '0000018bcfe56801',
      'hex',
    );
    expect(decodeOffsetCommitValue(v1)).toMatchObject({
      offset: 42,
      metadata: '',
      expireTimestamp: 1700000000001,
    });
    const v0 = Buffer.from('0000' + '0000000000000007' + '0001' + '78' + '0000018bcfe56800', 'hex');
    expect(decodeOffsetCommitValue(v0)).toMatchObject({
      offset: 7,
      metadata: 'x',
      leaderEpoch: -1,
    });
  });

  it('reads a flexible version 4 offset commit value', () => {
    const v4 = Buffer.from(
      '0004' + '0000000000000009' + 'ffffffff' + '02' + '6d' + '0000018bcfe56800' + '00',
      'hex',
    );
    expect(decodeOffsetCommitValue(v4)).toMatchObject({
      offset: 9,
      metadata: 'm',
      leaderEpoch: -1,
    });
  });

  it('round-trips group metadata value version 3 with members', () => {
    const value = {
      protocolType: 'consumer',
      generation: 4,
      protocol: 'range',
      leader: 'm-1',
      currentStateTimestamp: 1700000000000,
      members: [
        {
          memberId: 'm-1',
          groupInstanceId: null,
          clientId: 'c',
          clientHost: '/127.0.0.1',
          rebalanceTimeout: 60000,
          sessionTimeout: 10000,
          subscription: Buffer.from('s'),
          assignment: Buffer.from('a'),
        },
      ],
    };
    const bytes = encodeGroupMetadataValue(value);
    expect(bytes.readInt16BE(0)).toBe(3);
    expect(decodeGroupMetadataValue(bytes)).toEqual(value);
  });

  it('rejects garbage with CORRUPT_RECORD rather than crashing', () => {
    for (const junk of ['', '00', '0009', '0001ffff', '00030000']) {
      const buf = Buffer.from(junk, 'hex');
      for (const decode of [decodeOffsetsKey, decodeOffsetCommitValue, decodeGroupMetadataValue]) {
        expect(() => decode(buf)).toThrow(expect.objectContaining({ code: 'CORRUPT_RECORD' }));
      }
    }
  });

  it("picks the partition from Java's String.hashCode like Kafka", () => {
    // "group".hashCode() == 98629247 in Java; 98629247 % 50 == 47
    expect(offsetsPartitionFor('group', 50)).toBe(47);
    expect(offsetsPartitionFor('anything', 1)).toBe(0);
    // "polygenelubricants".hashCode() == Integer.MIN_VALUE; Kafka's Utils.abs maps it to 0
    expect(offsetsPartitionFor('polygenelubricants', 50)).toBe(0);
  });
});
