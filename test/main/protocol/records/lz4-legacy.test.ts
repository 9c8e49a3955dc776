import { describe, expect, it } from 'vitest';
import { LogdockError } from '../../../../src/common/errors';
import { withProperLz4HeaderChecksum } from '../../../../src/main/protocol/records/lz4-legacy';
import { compress, decompress } from '../../../../src/main/storage/compression';
import { runProcess, useLogdock } from '../helpers';

const logdock = useLogdock();

// librdkafka speaks message format v0 to a broker it believes is 0.9 (no ApiVersions).
const AS_KAFKA_0_9 = ['-X', 'api.version.request=false', '-X', 'broker.version.fallback=0.9.0'];

describe('LZ4 in message format v0', () => {
  it('stores what kcat compresses with lz4 for a 0.9 broker, whose frame header checksum is the old wrong one', async () => {
    const ld = await logdock.start();
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i} ${'x'.repeat(i)}`);
    const produced = await runProcess(
      'kcat',
      ['-b', ld.bootstrap, '-P', '-t', 'old-lz4', '-z', 'lz4', ...AS_KAFKA_0_9],
      { input: lines.join('\n') + '\n' },
    );
    // Before the fix: "Delivery failed for message: Broker: Invalid message".
    expect(produced.code, produced.stderr).toBe(0);
    const records = await ld.broker.readRecords('old-lz4', 0, 0, { maxRecords: 100 });
    expect(records.map((r) => r.value?.toString())).toEqual(lines);
    const consumed = await runProcess('kcat', [
      ...['-b', ld.bootstrap, '-C', '-t', 'old-lz4', '-e', '-q', ...AS_KAFKA_0_9],
    ]);
    expect(consumed.stdout.trim().split('\n')).toEqual(lines);
  });

  it('rewrites only the header checksum byte, so the frame decompresses to what was compressed', () => {
    const data = Buffer.from('a log line, '.repeat(500));
    const frame = compress('lz4', data);
    const broken = Buffer.from(frame);
    broken[6] ^= 0xa5; // FLG and BD only: the checksum is the 7th byte
    expect(() => decompress('lz4', broken)).toThrow();
    const fixed = withProperLz4HeaderChecksum(broken);
    expect(fixed.equals(frame)).toBe(true);
    expect(decompress('lz4', fixed).equals(data)).toBe(true);
  });

  it('refuses bytes that are not an LZ4 frame with CORRUPT_RECORD', () => {
    const attempt = () => withProperLz4HeaderChecksum(Buffer.from('not an lz4 frame'));
    expect(attempt).toThrow(LogdockError);
    expect(attempt).toThrow(/not an LZ4 frame/);
  });
});
