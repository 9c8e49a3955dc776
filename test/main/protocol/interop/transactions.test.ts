import { Producer as PlatformaticProducer, stringSerializers } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { runProcess, useLogdock } from '../helpers';

const logdock = useLogdock();
const FIND_COORDINATOR = 10;

// librdkafka's init_transactions(): before the fix it retried COORDINATOR_NOT_AVAILABLE
// until its own 20 s timeout and reported _TIMED_OUT ("retry call to resume").
const INIT_TRANSACTIONS = `
import sys, time, json, confluent_kafka as ck
p = ck.Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'tx-ck'})
t = time.time()
try:
    p.init_transactions(20)
    print(json.dumps({'ok': True}))
except ck.KafkaException as e:
    err = e.args[0]
    print(json.dumps({'ok': False, 'code': err.code(), 'fatal': err.fatal(), 'text': err.str(), 'secs': time.time() - t}))
`;

describe('transactional producers', () => {
  it('librdkafka is refused at once with a fatal TRANSACTIONAL_ID_AUTHORIZATION_FAILED saying transactions are not supported', async () => {
    const ld = await logdock.start();
    const { code, stdout, stderr } = await runProcess(
      '/usr/bin/python3',
      ['-c', INIT_TRANSACTIONS, ld.bootstrap],
      { timeoutMs: 55_000 },
    );
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout) as { ok: boolean; code: number; fatal: boolean; text: string };
    expect(out.ok).toBe(false);
    expect(out.code).toBe(53); // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
    expect(out.fatal).toBe(true);
    expect(out.text).toContain('does not support transactions');
  });

  it('kafkajs fails the transaction on its first FindCoordinator instead of retrying it', async () => {
    let findCoordinators = 0;
    const ld = await logdock.start({
      tap: (frame) => void (frame.readInt16BE(0) === FIND_COORDINATOR && findCoordinators++),
    });
    const kafka = new Kafka({
      clientId: 'kjs-tx',
      brokers: [ld.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 3 },
    });
    const producer = kafka.producer({ transactionalId: 'tx-kjs', maxInFlightRequests: 1 });
    await producer.connect();
    logdock.onCleanup(() => producer.disconnect());
    const failure = await producer.transaction().then(
      () => null,
      (e: unknown) => e as { type?: string; name?: string; message?: string },
    );
    // kafkajs reports any coordinator failure as this, and retried the retriable
    // COORDINATOR_NOT_AVAILABLE answered before the fix (4 requests with retries: 3).
    expect(failure?.name).toBe('KafkaJSGroupCoordinatorNotFound');
    expect(findCoordinators).toBe(1);
  });

  it('@platformatic/kafka rejects beginTransaction instead of waiting forever', async () => {
    const ld = await logdock.start();
    const producer = new PlatformaticProducer({
      clientId: 'pk-tx',
      bootstrapBrokers: [ld.bootstrap],
      serializers: stringSerializers,
      idempotent: true,
      transactionalId: 'tx-pk',
      retries: 2,
    });
    logdock.onCleanup(() => producer.close(true));
    const failure = await producer.beginTransaction().then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).toMatch(
      /Transactional Id authorization failed/,
    );
  });
});
