/**
 * Issue 15.6: a glob matching many files must not hold one descriptor per file. The bound
 * is asserted by counting, in /proc, the descriptors this process holds on the logs folder.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../../src/main/broker/broker';
import { LocalCluster } from '../../../src/main/cluster';
import { CollectorManager } from '../../../src/main/collectors';
import { openBroker, readAll, tempDir, values, waitFor } from './helpers';

let dir: string;
let logs: string;
let cleanup: () => Promise<void>;
let broker: Broker;
let manager: CollectorManager;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  logs = join(dir, 'logs');
  await mkdir(logs);
  broker = await openBroker(join(dir, 'data'));
});

afterEach(async () => {
  await manager.close();
  await broker.close();
  await cleanup();
});

/** Descriptors this process holds on files under `folder`. */
function heldUnder(folder: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(folder + '/')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

describe.runIf(process.platform === 'linux')('file source descriptors', () => {
  it('never holds more descriptors than the bound, and reopens files closed as inactive when they change', async () => {
    const files = 120;
    for (let f = 0; f < files; f++)
      await writeFile(join(logs, `f${f}.log`), `file ${f} line 0\nfile ${f} line 1\n`);
    manager = new CollectorManager({
      cluster: new LocalCluster(broker),
      dataDir: join(dir, 'data'),
      defaultSource: false,
      maxOpenFiles: 16,
      closeInactiveMs: 200,
    });
    await manager.start();
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, heldUnder(logs))), 1);
    try {
      await manager.add({
        type: 'file',
        id: 'many',
        topic: 'many',
        include: [join(logs, '*.log')],
        scanIntervalMs: 100,
      });
      await waitFor('every line', async () => (await readAll(broker, 'many')).length === files * 2);
      await waitFor('inactive files closed', () => heldUnder(logs) === 0);
      for (let f = 0; f < files; f += 10)
        await appendFile(join(logs, `f${f}.log`), `file ${f} line 2\n`);
      await waitFor(
        'the appended lines',
        async () => (await readAll(broker, 'many')).length === files * 2 + files / 10,
      );
    } finally {
      clearInterval(sample);
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(16);
    const got = values(await readAll(broker, 'many'));
    expect(new Set(got).size).toBe(got.length);
    expect(got.filter((v) => v.endsWith('line 2')).sort()).toEqual(
      Array.from({ length: files / 10 }, (_, i) => `file ${i * 10} line 2`).sort(),
    );
  });
});
