import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../../src/common/api/contract';
import { lineGroups } from '../../../../src/main/cli/produce/lines';
import { produceViaApi, type Line } from '../../../../src/main/cli/produce/send';
import { openInspectHarness, type InspectHarness } from '../../api/inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
});
afterEach(() => h.close());

/** The harness's client, counting requests and the most ever unanswered at once. */
function counting(api: ApiClient) {
  const seen = { calls: 0, inFlight: 0, maxInFlight: 0, names: new Set<string>() };
  const client = {
    ...api,
    call: async (name: string, params: unknown) => {
      seen.calls++;
      seen.names.add(name);
      seen.inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
      try {
        return await (api.call as (n: string, p: unknown) => Promise<unknown>)(name, params);
      } finally {
        seen.inFlight--;
      }
    },
  } as ApiClient;
  return { client, seen };
}

async function* groups(lines: Line[], size: number): AsyncGenerator<Line[]> {
  for (let i = 0; i < lines.length; i += size) yield lines.slice(i, i + size);
}

describe('logdock produce through a running Logdock', () => {
  it('sends lines in pipelined batches, a few in flight, and the log keeps their order', async () => {
    await h.client.call('topics.create', { name: 'big', partitions: 1 } as never);
    const lines = Array.from({ length: 23_456 }, (_, i) => ({ key: null, value: `line ${i}` }));
    const { client, seen } = counting(h.client);
    const options = { maxRecords: 1000, maxBytes: 1 << 20, maxInFlight: 3 };
    const acked = await produceViaApi(
      client,
      { topic: 'big', acks: 1 },
      groups(lines, 700),
      options,
    );
    expect(acked).toBe(lines.length);
    expect([...seen.names]).toEqual(['messages.produceBatch']);
    expect(seen.calls).toBe(Math.ceil(lines.length / 1000));
    expect(seen.maxInFlight).toBeGreaterThan(1); // pipelined
    expect(seen.maxInFlight).toBeLessThanOrEqual(3); // bounded
    const stored = await h.broker.readRecords('big', 0, 0, { maxRecords: 30_000 });
    expect(stored.map((r) => r.value?.toString())).toEqual(lines.map((l) => l.value));
  });

  it('closes a batch at its byte bound, and reports the first failure after the rest', async () => {
    const big = 'x'.repeat(10_000);
    const lines = Array.from({ length: 50 }, () => ({ key: 'k', value: big }));
    const { client, seen } = counting(h.client);
    const options = { maxRecords: 1000, maxBytes: 100_000, maxInFlight: 2 };
    await produceViaApi(client, { topic: 'bytes', acks: -1 }, groups(lines, 50), options);
    expect(seen.calls).toBe(5);
    await expect(
      produceViaApi(client, { topic: 'bytes', partition: 7, acks: 1 }, groups(lines, 10), options),
    ).rejects.toMatchObject({ code: 'UNKNOWN_PARTITION' });
  });

  it('reads lines in groups as stdin delivers them, CRLF or not, the last without a newline', async () => {
    async function* chunks() {
      yield Buffer.from('a\r\nb\nc');
      yield Buffer.from('é'.slice(0, 1) + 'd\n'); // a line split across chunks
      yield Buffer.from([0xc3]); // half of a UTF-8 character at a chunk's end
      yield Buffer.from([0xa9, 0x0a, 0x65]);
    }
    const all: string[] = [];
    for await (const group of lineGroups(chunks())) all.push(...group);
    expect(all).toEqual(['a', 'b', 'céd', 'é', 'e']);
  });
});
