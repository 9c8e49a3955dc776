import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/main/logger';
import { openServices, type Services } from '../../src/main/services';

describe('openServices', () => {
  let dir: string;
  const open: Services[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logdock-services-'));
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(options: Partial<Parameters<typeof openServices>[0]> = {}) {
    const services = await openServices({
      dataDir: dir,
      mode: 'test',
      logger: silentLogger,
      ...options,
    });
    open.push(services);
    return services;
  }

  it('keeps what was produced across a close and a reopen', async () => {
    const first = await start();
    await first.broker.createTopic('app');
    await first.broker.send([{ topic: 'app', value: Buffer.from('hello') }], { acks: 1 });
    await first.close();
    expect(existsSync(join(dir, 'app-0'))).toBe(true);

    const second = await start();
    const records = await second.broker.readRecords('app', 0, 0);
    expect(records.map((r) => r.value?.toString())).toEqual(['hello']);
  });

  it('refuses a second process-level open of the same data directory and leaves the first working', async () => {
    const first = await start();
    await expect(start()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await first.broker.createTopic('still-works');
    expect(first.broker.listTopics().map((t) => t.name)).toContain('still-works');
  });

  it('fails with IO_ERROR when the data directory cannot be created', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    await expect(start({ dataDir: join(file, 'data') })).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining(join(file, 'data')),
    });
  });

  it('runs without the Kafka listener when its port is taken, and says so', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const lines: string[] = [];
    try {
      const services = await start({
        kafka: { enabled: true, port },
        logger: createLogger({ write: (l) => lines.push(l) }),
      });
      expect(services.kafka).toBeNull();
      expect(services.kafkaListener).toBeNull();
      expect(lines.join('\n')).toMatch(/ERROR \[kafka\] Kafka listener not started: .*\d+/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('starts the Kafka listener on request and reports its address', async () => {
    const services = await start({ kafka: { enabled: true, port: 0 } });
    expect(services.kafkaListener).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(services.kafkaListener).toBe(`127.0.0.1:${services.kafka!.address().port}`);
  });

  it('writes its own log to <dataDir>/logs/logdock.log in the format the default collector parses', async () => {
    const services = await openServices({ dataDir: dir, mode: 'test' });
    open.push(services);
    services.logger.child('test').warn('a line for the file');
    await services.close();
    const text = await readFile(join(dir, 'logs', 'logdock.log'), 'utf8');
    const line = text.split('\n').find((l) => l.includes('a line for the file'))!;
    expect(line).toMatch(/^\S+Z WARN \[test\] a line for the file$/);
  });

  it('applies the broker settings of settings.json: partitions and auto-creation of topics', async () => {
    const broker = { numPartitions: 3, autoCreateTopics: true, groupInitialRebalanceDelayMs: 0 };
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ version: 1, broker }));
    const first = await start();
    await first.broker.send([{ topic: 'made-on-send', value: Buffer.from('x') }]);
    expect(first.broker.describeTopic('made-on-send').partitions).toHaveLength(3);
    await first.close();
    const second = await start({ broker: { autoCreateTopics: false } });
    await expect(
      second.broker.send([{ topic: 'not-made', value: Buffer.from('x') }]),
    ).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC' });
  });

  it('closes once however often close is called', async () => {
    const services = await start();
    await Promise.all([services.close(), services.close()]);
    // The broker's lock is released: the directory opens again.
    await expect(start()).resolves.toBeDefined();
  });
});
