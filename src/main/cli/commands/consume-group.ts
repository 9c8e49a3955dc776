import type { Message } from '@platformatic/kafka';
import { kafkaLib } from '../../remote/kafka-lib';
import type { RemoteClientOptions } from '../../remote/client-options';
import { kafkaCall, toLogdockError } from '../../remote/kafka-errors';
import type { StoredRecord } from '../../cluster/cluster';
import type { RemoteConsumeOptions } from './consume-remote';

type GroupConsumeOptions = RemoteConsumeOptions & { group: string };
type Printed = StoredRecord & { partition: number };

/** How often the loop looks at `stopped()` and the quiet timeout while no record comes. */
const TICK_MS = 200;

/**
 * `consume --group G --bootstrap-server ...`, as kafka-console-consumer: joins the group
 * through the group protocol (JoinGroup, SyncGroup, Heartbeat: @platformatic/kafka's
 * consumer), starts each assigned partition at the group's committed offset (else the end,
 * or the beginning with --from-beginning), and commits each record it printed (offset + 1)
 * before printing the next, so `groups --describe` shows exactly what was printed. Leaves
 * the group on exit. Stops as the other paths do.
 * @returns how many records were printed.
 */
export async function consumeAsGroupMember(
  client: RemoteClientOptions,
  cluster: string,
  opts: GroupConsumeOptions,
  print: (r: Printed) => void,
  stopped: () => boolean,
): Promise<number> {
  const consumer = new (kafkaLib().Consumer)({
    ...client,
    groupId: opts.group,
    autocommit: false,
    maxWaitTime: 500,
  });
  const where = `group ${opts.group} on topic ${opts.topic} of ${cluster}`;
  try {
    const stream = await kafkaCall(`join ${where}`, () =>
      consumer.consume({
        topics: [opts.topic],
        mode: 'committed',
        fallbackMode: opts.fromBeginning ? 'earliest' : 'latest',
        autocommit: false,
      }),
    );
    const failed = new Promise<never>((_, reject) =>
      stream.once('error', (err: unknown) => reject(toLogdockError(err, `consume as ${where}`))),
    );
    failed.catch(() => undefined);
    const records = stream[Symbol.asyncIterator]() as AsyncIterator<
      Message<Buffer, Buffer, Buffer, Buffer>
    >;
    let total = 0;
    let idleSince = Date.now();
    let pending: Promise<IteratorResult<Message<Buffer, Buffer, Buffer, Buffer>>> | null = null;
    const done = () =>
      stopped() ||
      (opts.maxMessages !== undefined && total >= opts.maxMessages) ||
      (opts.timeoutMs !== undefined && Date.now() - idleSince >= opts.timeoutMs);
    try {
      while (!done()) {
        pending ??= records.next();
        const next = await Promise.race([pending, failed, tick()]);
        if (next === null) continue;
        pending = null;
        if (next.done) break;
        const m = next.value;
        print(toPrinted(m));
        await kafkaCall(`commit ${where}`, () => m.commit() as Promise<void>);
        total++;
        idleSince = Date.now();
      }
    } finally {
      await stream.close().catch(() => undefined);
    }
    return total;
  } finally {
    await consumer.close().catch(() => undefined);
  }
}

function tick(): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), TICK_MS));
}

function toPrinted(m: Message<Buffer, Buffer, Buffer, Buffer>): Printed {
  return {
    partition: m.partition,
    offset: Number(m.offset),
    timestamp: Number(m.timestamp),
    // The client hands a null key as an empty buffer.
    key: m.key && m.key.length > 0 ? m.key : null,
    value: m.value ?? null,
    headers: [...(m.headers ?? new Map())].map(([key, value]) => ({
      key: key.toString(),
      value: value ?? null,
    })),
  };
}
