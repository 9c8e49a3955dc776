import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeRecordBatch, encodeRecordBatch } from '../../../src/main/storage';

// Debian's python3-kafka (installed by .ci/run) loads only in /usr/bin/python3.
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./fixtures/kafka_python_batch.py', import.meta.url));

describe('record batch interoperability with kafka-python', () => {
  it.each([
    [0, 'none'],
    [1, 'gzip'],
  ] as const)('decodes a batch built by kafka-python with codec %i (%s)', (codecId, codec) => {
    const hex = execFileSync(PYTHON, [SCRIPT, String(codecId)], { encoding: 'utf8' }).trim();
    const { header, records } = decodeRecordBatch(Buffer.from(hex, 'hex'));
    expect(header.compression).toBe(codec);
    expect(
      records.map((r) => [
        r.offset,
        r.timestamp,
        r.key!.toString(),
        r.value!.toString(),
        r.headers.map((h) => [h.key, h.value!.toString()]),
      ]),
    ).toEqual(
      [0, 1, 2].map((i) => [
        i,
        1_700_000_000_000 + i,
        `k${i}`,
        `v${i}${'-'.repeat(200)}`,
        [['h', `x${i}`]],
      ]),
    );
  });

  it('produces batches that kafka-python reads and whose CRC it accepts', () => {
    const ours = encodeRecordBatch(
      [0, 1].map((i) => ({
        key: Buffer.from(`k${i}`),
        value: Buffer.from(`v${i}`),
        headers: [{ key: 'h', value: Buffer.from(`x${i}`) }],
        timestamp: 5000 + i,
      })),
      { baseOffset: 40, compression: 'gzip' },
    );
    const out = JSON.parse(
      execFileSync(PYTHON, [SCRIPT, '--decode'], { input: ours.toString('hex'), encoding: 'utf8' }),
    );
    expect(out).toEqual({
      crcOk: true,
      compression: 1,
      records: [0, 1].map((i) => ({
        offset: 40 + i,
        timestamp: 5000 + i,
        key: `k${i}`,
        value: `v${i}`,
        headers: [['h', `x${i}`]],
      })),
    });
  });
});
