import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { requestNames, requests, subscriptionNames } from '../../../src/common/api/contract';
import {
  createDispatcher,
  createRequestHandlers,
  createSubscriptionHandlers,
} from '../../../src/main/api/handlers';
import { silentLogger } from '../../../src/main/logger';
import { openServices, type Services } from '../../../src/main/services';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { APP_VERSION } from '../../../src/main/version';

describe('the API handlers and the contract', () => {
  let dataDir: string;
  let services: Services;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'logdock-api-'));
    services = await openServices({ dataDir, mode: 'test', logger: silentLogger });
  });

  afterEach(async () => {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('has exactly one handler for every request and subscription of the contract', () => {
    const handlers = createRequestHandlers(services);
    expect(Object.keys(handlers).sort()).toEqual([...requestNames].sort());
    for (const name of requestNames) expect(typeof handlers[name]).toBe('function');
    expect(Object.keys(createSubscriptionHandlers(services)).sort()).toEqual(
      [...subscriptionNames].sort(),
    );
  });

  it('documents every request', () => {
    for (const name of requestNames) {
      expect(name).toMatch(/^[a-z]+(?:[A-Z][a-z]*)*\.[a-z]+(?:[A-Z][a-z]*)*$/);
      expect(requests[name].doc.length).toBeGreaterThan(10);
    }
  });

  it('answers system.info with the version, data directory and mode', async () => {
    const api = createInProcessClient(createDispatcher(services));
    await expect(api.call('system.info', {})).resolves.toEqual({
      version: APP_VERSION,
      dataDir,
      mode: 'test',
      kafkaListener: null,
      // The in-process transport serves no files and has no file manager.
      capabilities: { downloadExports: false, showExportInFolder: false },
    });
  });

  it('rejects a payload of the wrong type for every request, naming the request, before any handler runs', async () => {
    const before = await readdir(dataDir);
    const api = createInProcessClient(createDispatcher(services));
    for (const name of requestNames) {
      for (const bad of ['a string', 42, [1, 2]]) {
        await expect(
          api.call(name, bad as never),
          `${name} with ${JSON.stringify(bad)}`,
        ).rejects.toMatchObject({
          code: 'INVALID_ARGUMENT',
          message: expect.stringMatching(new RegExp(`^${name.replace('.', '\\.')}: `)),
        });
      }
    }
    expect(await readdir(dataDir)).toEqual(before);
  });

  it('names the offending field of a malformed payload', async () => {
    const api = createInProcessClient(createDispatcher(services));
    await expect(api.call('system.info', { verbose: true } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('verbose'),
    });
  });

  it('rejects an unknown request name with NOT_FOUND', async () => {
    const api = createInProcessClient(createDispatcher(services));
    await expect(api.call('system.reboot' as never, {} as never)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'unknown request "system.reboot"',
    });
  });

  it('closes services once even when close is called concurrently', async () => {
    await Promise.all([services.close(), services.close()]);
    await expect(services.close()).resolves.toBeUndefined();
  });
});
