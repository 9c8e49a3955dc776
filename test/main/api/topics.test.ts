import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogdockError } from '../../../src/common/errors';
import { collect, fill, openInspectHarness, type InspectHarness } from './inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
});
afterEach(async () => {
  await h.close();
});

describe('topics requests', () => {
  it('lists topics with partitions, message count, size, retention and last message time', async () => {
    await h.client.call('topics.create', {
      name: 'app-logs',
      partitions: 2,
      configs: { 'retention.ms': 3_600_000 },
    });
    await h.client.call('topics.create', { name: 'audit' });
    await fill(h.broker, 'app-logs', 1, [
      { timestamp: 1000, value: 'a' },
      { timestamp: 2000, value: 'b' },
    ]);
    const { topics } = await h.client.call('topics.list', {});
    expect(topics.map((t) => t.name)).toEqual(['app-logs', 'audit']);
    expect(topics[0]).toMatchObject({
      partitionCount: 2,
      messageCount: 2,
      retentionMs: 3_600_000,
      lastTimestamp: 2000,
      internal: false,
    });
    expect(topics[0].sizeBytes).toBeGreaterThan(0);
    expect(topics[1]).toMatchObject({ messageCount: 0, lastTimestamp: null });
    const filtered = await h.client.call('topics.list', { filter: 'AUD' });
    expect(filtered.topics.map((t) => t.name)).toEqual(['audit']);
  });

  it('describes partitions and configs', async () => {
    await h.client.call('topics.create', { name: 'd', partitions: 3 });
    const d = await h.client.call('topics.describe', { topic: 'd' });
    expect(d.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(d.configs['cleanup.policy']).toBe('delete');
  });

  it('deletes a topic only when the name is repeated', async () => {
    await h.client.call('topics.create', { name: 'gone' });
    await expect(h.client.call('topics.delete', { name: 'gone', confirm: 'gon' })).rejects.toThrow(
      /confirm must repeat/,
    );
    expect(await h.client.call('topics.delete', { name: 'gone', confirm: 'gone' })).toEqual({
      deleted: 'gone',
    });
    const { topics } = await h.client.call('topics.list', {});
    expect(topics).toEqual([]);
  });

  it('refuses bad names and duplicates with what is wrong', async () => {
    const bad = await h.client
      .call('topics.create', { name: 'has space' })
      .catch((e: LogdockError) => e);
    expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((bad as LogdockError).message).toMatch(/topic name may only contain/);
    await h.client.call('topics.create', { name: 'dup' });
    await expect(h.client.call('topics.create', { name: 'dup' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
  });

  it('sends the list on topics.changed when a topic is created', async () => {
    const events = collect(h.client, 'topics.changed', {}, (ev) =>
      ev.some((e) => e.topics.some((t) => t.name === 'fresh')),
    );
    await h.client.call('topics.create', { name: 'fresh' });
    const got = await events;
    expect(got[got.length - 1].topics.map((t) => t.name)).toContain('fresh');
  });
});
