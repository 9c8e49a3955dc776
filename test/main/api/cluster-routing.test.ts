import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/common/api/contract';
import { createDispatcher } from '../../../src/main/api/handlers';
import { openServices } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { useLogdock, waitFor, type Logdock } from '../protocol/helpers';

// Requests that name a cluster are answered on that cluster: a second Logdock serves as the
// remote one, reached over its Kafka listener; the first one's own topics stay apart.

const fixture = useLogdock();

async function openApp(): Promise<ApiClient> {
  const dataDir = await fixture.tempDir('logdock-routing-');
  const services = await openServices({ dataDir, mode: 'test', collectors: false });
  fixture.onCleanup(() => services.close());
  await services.broker.createTopic('local-only', { partitions: 1 });
  return createInProcessClient(createDispatcher(services));
}

async function remoteLogdock(): Promise<Logdock> {
  const ld = await fixture.start();
  await ld.broker.createTopic('payments', { partitions: 2 });
  await ld.broker.send(
    Array.from({ length: 20 }, (_, i) => ({
      topic: 'payments',
      partition: i % 2,
      value: Buffer.from(`payment ${i}`),
    })),
  );
  return ld;
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code: string }) => e.code,
  );

describe('requests routed by cluster name', () => {
  it('lists, browses and produces on the named cluster, and on local without a name', async () => {
    const ld = await remoteLogdock();
    const api = await openApp();
    await api.call('clusters.add', { name: 'second', bootstrapServers: [ld.bootstrap] });

    const local = await api.call('topics.list', {});
    expect(local.topics.map((t) => t.name)).toContain('local-only');
    expect(local.topics.map((t) => t.name)).not.toContain('payments');
    const remote = await api.call('topics.list', { cluster: 'second' });
    expect(remote.topics.map((t) => [t.name, t.partitionCount, t.messageCount])).toEqual([
      ['payments', 2, 20],
    ]);

    const window = await api.call('messages.window', {
      cluster: 'second',
      topic: 'payments',
      partitions: [1],
      start: 3,
      count: 2,
    });
    expect(window.rows.map((r) => [r.partition, r.offset])).toEqual([
      [1, 3],
      [1, 4],
    ]);

    const produced = await api.call('messages.produce', {
      cluster: 'second',
      topic: 'payments',
      partition: 0,
      value: 'from the app',
    });
    expect(produced).toEqual({ partition: 0, offset: 10 });
    const [stored] = await ld.broker.readRecords('payments', 0, 10);
    expect(stored.value?.toString()).toBe('from the app');
  });

  it('follows a remote partition with messages.tail', async () => {
    const ld = await remoteLogdock();
    const api = await openApp();
    await api.call('clusters.add', { name: 'second', bootstrapServers: [ld.bootstrap] });
    const events: unknown[] = [];
    const stop = api.subscribe(
      'messages.tail',
      { cluster: 'second', topic: 'payments', partitions: [0] } as never,
      (e) => events.push(e),
    );
    fixture.onCleanup(stop);
    await waitFor(() => events.length > 0, 'the first tail event');
    const before = events.length;
    await ld.broker.send([{ topic: 'payments', partition: 0, value: Buffer.from('late') }]);
    await waitFor(
      () => JSON.stringify(events.slice(before)).includes('11'),
      'an event with the new end offset 11',
    );
  });

  it('refuses writes on a read-only cluster, local-only features, and unknown or malformed names', async () => {
    const ld = await remoteLogdock();
    const api = await openApp();
    await api.call('clusters.add', {
      name: 'prod',
      bootstrapServers: [ld.bootstrap],
      readOnly: true,
    });
    expect(
      await codeOf(
        api.call('messages.produce', { cluster: 'prod', topic: 'payments', value: 'x' }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        api.call('topics.delete', { cluster: 'prod', name: 'payments', confirm: 'payments' }),
      ),
    ).toBe('FORBIDDEN');
    expect(ld.broker.describeTopic('payments').partitions[0].logEndOffset).toBe(10);
    expect(
      await codeOf(
        api.call('replay.start', {
          range: { topic: 'payments', from: { kind: 'earliest' }, to: { kind: 'latest' } },
          target: { kind: 'topic', cluster: 'prod', topic: 'copy' },
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(api.call('topicSettings.segments', { cluster: 'prod', topic: 'payments' })),
    ).toBe('UNSUPPORTED');
    expect(await codeOf(api.call('topics.list', { cluster: 'nope' }))).toBe('NOT_FOUND');
    expect(await codeOf(api.call('topics.list', { cluster: '../../etc' }))).toBe(
      'INVALID_ARGUMENT',
    );
    // Switching it to writable takes effect on the next request.
    await api.call('clusters.update', { name: 'prod', readOnly: false });
    expect(
      await api.call('messages.produce', { cluster: 'prod', topic: 'payments', value: 'ok' }),
    ).toMatchObject({
      offset: expect.any(Number),
    });
  });

  it('refuses every write the API offers on a read-only cluster, changing nothing there, and still plans a reset', async () => {
    const ld = await remoteLogdock();
    await ld.broker.groups.setOffsets('billing', [
      { topic: 'payments', partition: 0, offset: 2 },
      { topic: 'payments', partition: 1, offset: 2 },
    ]);
    const api = await openApp();
    await api.call('clusters.add', {
      name: 'prod',
      bootstrapServers: [ld.bootstrap],
      readOnly: true,
    });
    const prod = { cluster: 'prod' };
    const writes: [string, Promise<unknown>][] = [
      [
        'messages.produce',
        api.call('messages.produce', { ...prod, topic: 'payments', value: 'x' }),
      ],
      [
        'messages.produceBatch',
        api.call('messages.produceBatch', {
          ...prod,
          topic: 'payments',
          records: [{ key: null, value: 'x' }],
        }),
      ],
      ['topics.create', api.call('topics.create', { ...prod, name: 'fresh' })],
      [
        'topics.delete',
        api.call('topics.delete', { ...prod, name: 'payments', confirm: 'payments' }),
      ],
      [
        'topicSettings.update configs',
        api.call('topicSettings.update', {
          ...prod,
          topic: 'payments',
          configs: { retentionMs: 60_000 },
        }),
      ],
      [
        'topicSettings.update partitions',
        api.call('topicSettings.update', { ...prod, topic: 'payments', partitions: 4 }),
      ],
      [
        'groups.resetOffsets execute',
        api.call('groups.resetOffsets', {
          ...prod,
          groupId: 'billing',
          spec: { kind: 'earliest' },
          dryRun: false,
        }),
      ],
      ['groups.delete', api.call('groups.delete', { ...prod, groupId: 'billing' })],
      [
        'replay.start into it',
        api.call('replay.start', {
          range: { topic: 'local-only', from: { kind: 'earliest' }, to: { kind: 'latest' } },
          target: { kind: 'topic', cluster: 'prod', topic: 'copy' },
        }),
      ],
      [
        'replay.start moving its group',
        api.call('replay.start', {
          ...prod,
          range: { topic: 'payments', from: { kind: 'earliest' }, to: { kind: 'latest' } },
          target: { kind: 'group', groupId: 'billing' },
        }),
      ],
      [
        'shipping.add to it',
        api.call('shipping.add', { config: { topic: 'local-only', to: 'cluster://prod/copy' } }),
      ],
    ];
    const refused = await Promise.all(
      writes.map(async ([what, call]) => [what, await codeOf(call)]),
    );
    expect(refused).toEqual(writes.map(([what]) => [what, 'FORBIDDEN']));

    // Nothing changed on the remote cluster.
    expect(ld.broker.listTopics().map((t) => t.name)).toEqual(['payments']);
    const payments = ld.broker.describeTopic('payments');
    expect(payments.partitions.map((p) => p.logEndOffset)).toEqual([10, 10]);
    expect(payments.configs['retention.ms']).not.toBe(60_000);
    expect(
      Object.fromEntries(
        (await api.call('groups.describe', { ...prod, groupId: 'billing' })).partitions.map((p) => [
          p.partition,
          p.committedOffset,
        ]),
      ),
    ).toEqual({ 0: 2, 1: 2 });
    // Reads and a dry run still answer.
    const dry = await api.call('groups.resetOffsets', {
      ...prod,
      groupId: 'billing',
      spec: { kind: 'earliest' },
      dryRun: true,
    });
    expect(dry).toMatchObject({ executed: false });
    expect(dry.plan.map((e) => [e.partition, e.oldOffset, e.newOffset])).toEqual([
      [0, 2, 0],
      [1, 2, 0],
    ]);
  });

  it('answers UNAVAILABLE naming the cluster when it cannot be reached, and keeps serving local', async () => {
    const api = await openApp();
    await api.call('clusters.add', { name: 'gone', bootstrapServers: ['127.0.0.1:1'] });
    const err = await api.call('topics.list', { cluster: 'gone' }).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(err?.code).toBe('UNAVAILABLE');
    expect(err?.message).toContain('gone');
    expect((await api.call('topics.list', {})).topics.map((t) => t.name)).toContain('local-only');
  });
});
