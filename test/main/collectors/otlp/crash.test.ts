/**
 * The receiving process is SIGKILLed several times while the OpenTelemetry SDK sends log
 * records in many small requests; the SDK's exporter retries what was not answered. After
 * a last restart the topic must hold every record exactly once: answered requests were
 * stored before the answer, and retried ones that had been stored are recognised.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { children, startChild, summarize } from '../fixtures/crash-harness';
import { killWhileCollecting } from '../fixtures/kill-loop';
import { openBroker, readAll, tempDir } from '../helpers';
import { sdkSender } from './sdk';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A port free right now (the receiver must get the same one back after each restart). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('OTLP receiver crash safety', () => {
  it('keeps every record the SDK sends exactly once across SIGKILLs of the receiver', async () => {
    const { dir, cleanup } = await tempDir();
    const dataDir = join(dir, 'data');
    const port = await freePort();
    const config = { type: 'otlp', id: 'otel', topic: 'otel-logs', port };
    const sender = sdkSender({
      url: `http://127.0.0.1:${port}/v1/logs`,
      protocol: 'proto',
      service: 'crashy',
      batchSize: 50,
      scheduledDelayMillis: 5,
      timeoutMillis: 60_000,
    });
    const logger = sender.provider.getLogger('crash');
    const total = 6000;
    let emitted = 0;
    const emitting = (async () => {
      while (emitted < total) {
        for (let i = 0; i < 20; i++) logger.emit({ body: `n${emitted++}` });
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    try {
      await killWhileCollecting(dataDir, config, 3, total);
      const last = startChild(dataDir, config);
      await last.ready;
      await emitting;
      await sender.provider.forceFlush();
      await sender.provider.shutdown();
      last.proc.kill('SIGTERM');
      await last.exited;
      expect(sender.failed()).toBe(0);
      const broker = await openBroker(dataDir);
      try {
        const got = (await readAll(broker, 'otel-logs')).map((r) =>
          Number(r.value!.toString().slice(1)),
        );
        expect(got.length).toBe(total);
        expect(summarize([...got].sort((a, b) => a - b))).toEqual([`0-${total - 1}`]);
      } finally {
        await broker.close();
      }
    } finally {
      await cleanup();
    }
  }, 240_000);
});
