import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/common/api/contract';
import { createClustersHandlers } from '../../../src/main/api/clusters';
import {
  Dispatcher,
  type RequestHandlers,
  type SubscriptionHandlers,
} from '../../../src/main/api/dispatcher';
import { CLUSTERS_FILE, ClusterRegistry } from '../../../src/main/remote/registry';
import { keyFileCipher, SECRETS_FILE, SecretStore } from '../../../src/main/remote/secrets';
import { createInProcessClient } from '../../../src/main/transport/inprocess';
import { useLogdock } from '../protocol/helpers';

// clusters.* through the real dispatcher and in-process transport (validation and error
// shapes as over IPC and WebSocket), on real files, against a real Logdock listener.

const fixture = useLogdock();

async function openApi(dir: string): Promise<ApiClient> {
  const registry = await ClusterRegistry.open({
    dataDir: dir,
    secrets: new SecretStore(dir, keyFileCipher(dir)),
    localView: () => ({
      name: 'local',
      kind: 'local',
      colour: '#64748b',
      bootstrapServers: ['127.0.0.1:9092'],
      security: { protocol: 'PLAINTEXT' },
      readOnly: false,
    }),
  });
  const requests = createClustersHandlers({ clusters: registry }) as unknown as RequestHandlers;
  return createInProcessClient(new Dispatcher(requests, {} as SubscriptionHandlers));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (e: { code: string }) => e.code,
  );
}

const saslCluster = {
  name: 'prod',
  colour: '#dc2626',
  bootstrapServers: ['kafka-1.example.com:9093', 'kafka-2.example.com:9093'],
  security: {
    protocol: 'SASL_SSL' as const,
    sasl: { mechanism: 'SCRAM-SHA-512' as const, username: 'ops', password: 'top-secret-pw' },
    tls: { checkHostname: true },
  },
  readOnly: true,
};

describe('clusters API', () => {
  it('lists local first and never returns a saved password, in results or on disk', async () => {
    const dir = await fixture.tempDir('logdock-clusters-');
    const api = await openApi(dir);
    const added = await api.call('clusters.add', saslCluster);
    expect(added.security.sasl).toEqual({
      mechanism: 'SCRAM-SHA-512',
      username: 'ops',
      hasPassword: true,
    });
    expect(JSON.stringify(added)).not.toContain('top-secret-pw');

    const { clusters } = await api.call('clusters.list', {});
    expect(clusters.map((c) => [c.name, c.kind, c.readOnly])).toEqual([
      ['local', 'local', false],
      ['prod', 'remote', true],
    ]);
    expect(JSON.stringify(clusters)).not.toContain('top-secret-pw');
    expect(await readFile(join(dir, CLUSTERS_FILE), 'utf8')).not.toContain('top-secret-pw');
    expect(await readFile(join(dir, SECRETS_FILE), 'utf8')).not.toContain('top-secret-pw');

    // A restart reads both files back.
    const again = await openApi(dir);
    const [, prod] = (await again.call('clusters.list', {})).clusters;
    expect(prod).toEqual(added);
  });

  it('keeps the saved password on an update without one and forgets it when SASL is dropped', async () => {
    const dir = await fixture.tempDir('logdock-clusters-');
    const api = await openApi(dir);
    await api.call('clusters.add', saslCluster);
    const recoloured = await api.call('clusters.update', {
      name: 'prod',
      colour: '#16a34a',
      security: { ...saslCluster.security, sasl: { mechanism: 'SCRAM-SHA-256', username: 'ops2' } },
    });
    expect(recoloured.colour).toBe('#16a34a');
    expect(recoloured.security.sasl).toEqual({
      mechanism: 'SCRAM-SHA-256',
      username: 'ops2',
      hasPassword: true,
    });

    const plain = await api.call('clusters.update', {
      name: 'prod',
      security: { protocol: 'SSL', tls: { checkHostname: true } },
    });
    expect(plain.security.sasl).toBeUndefined();
    const secrets = JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8')) as {
      secrets: object;
    };
    expect(Object.keys(secrets.secrets)).toEqual([]);
  });

  it('refuses bad names, taken names, the local cluster and malformed settings with clear codes', async () => {
    const dir = await fixture.tempDir('logdock-clusters-');
    const api = await openApi(dir);
    await api.call('clusters.add', saslCluster);
    expect(await codeOf(api.call('clusters.add', saslCluster))).toBe('ALREADY_EXISTS');
    expect(await codeOf(api.call('clusters.add', { ...saslCluster, name: 'local' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(api.call('clusters.add', { ...saslCluster, name: '../etc' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      await codeOf(
        api.call('clusters.add', { ...saslCluster, name: 'x', bootstrapServers: ['no-port'] }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(
      await codeOf(
        api.call('clusters.add', {
          name: 'x',
          bootstrapServers: ['h:1'],
          // SASL without its settings
          security: { protocol: 'SASL_PLAINTEXT' } as never,
        }),
      ),
    ).toBe('INVALID_ARGUMENT');
    expect(await codeOf(api.call('clusters.update', { name: 'local', readOnly: true }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(api.call('clusters.update', { name: 'nope', readOnly: true }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(api.call('clusters.remove', { name: 'nope' }))).toBe('NOT_FOUND');
    await api.call('clusters.remove', { name: 'prod' });
    expect((await api.call('clusters.list', {})).clusters.map((c) => c.name)).toEqual(['local']);
  });

  it('tests a saved cluster with its saved password, and unsaved settings before adding them', async () => {
    const ld = await fixture.start({ sasl: [{ username: 'ops', password: 'pw-1234' }] });
    const dir = await fixture.tempDir('logdock-clusters-');
    const api = await openApi(dir);
    const security = {
      protocol: 'SASL_PLAINTEXT' as const,
      sasl: { mechanism: 'PLAIN' as const, username: 'ops', password: 'pw-1234' },
    };
    const draft = { name: 'second', bootstrapServers: [ld.bootstrap], security };
    expect(await api.call('clusters.test', { draft })).toMatchObject({
      ok: true,
      controller: 0,
    });
    await api.call('clusters.add', draft);
    expect(await api.call('clusters.test', { name: 'second' })).toMatchObject({ ok: true });
    // Editing without retyping the password tests with the saved one.
    const edited = {
      ...draft,
      security: { ...security, sasl: { mechanism: 'PLAIN' as const, username: 'ops' } },
    };
    expect(await api.call('clusters.test', { draft: edited })).toMatchObject({ ok: true });
    const wrong = {
      ...draft,
      security: { ...security, sasl: { ...security.sasl, password: 'nope' } },
    };
    expect(await api.call('clusters.test', { draft: wrong })).toMatchObject({
      ok: false,
      reason: 'authentication',
    });
  });

  it('refuses to start on a hostile clusters.json, naming the file and the field', async () => {
    const dir = await fixture.tempDir('logdock-clusters-');
    await writeFile(
      join(dir, CLUSTERS_FILE),
      JSON.stringify({
        version: 1,
        clusters: [{ name: 'x', bootstrapServers: ['$(rm -rf /):1'] }],
      }),
    );
    const err = await openApi(dir).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(err?.code).toBe('CORRUPT_FILE');
    expect(err?.message).toContain(CLUSTERS_FILE);
    expect(err?.message).toContain('bootstrapServers');
  });
});
