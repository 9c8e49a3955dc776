import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, RawClient, runProcess, startLogdock, type Logdock } from './helpers';

let ld: Logdock | null = null;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await killChildren();
  await ld?.remove();
  ld = null;
});

const users = [{ username: 'shipper', password: 's3cret' }];

async function client(): Promise<RawClient> {
  const c = await RawClient.connect(ld!.port);
  clients.push(c);
  return c;
}

describe('SASL/PLAIN', () => {
  it('closes a connection that sends anything but ApiVersions or SASL before authenticating', async () => {
    ld = await startLogdock({ sasl: users });
    const c = await client();
    expect((await c.request('ApiVersions', 3, {})).errorCode).toBe(0);
    void c.request('Metadata', 1, { topics: null }).catch(() => undefined);
    await c.closedPromise;
    expect(ld.logs.some((l) => /Metadata before SASL authentication/.test(l))).toBe(true);
  });

  it('authenticates with SaslHandshake v1 and SaslAuthenticate, and refuses a wrong password', async () => {
    ld = await startLogdock({ sasl: users });
    const good = await client();
    expect(await good.request('SaslHandshake', 1, { mechanism: 'PLAIN' })).toMatchObject({
      errorCode: 0,
      mechanisms: ['PLAIN'],
    });
    const ok = await good.request('SaslAuthenticate', 2, {
      authBytes: Buffer.from('\0shipper\0s3cret'),
    });
    expect(ok.errorCode).toBe(0);
    expect((await good.request('Metadata', 1, { topics: null })).brokers).toHaveLength(1);

    const bad = await client();
    await bad.request('SaslHandshake', 1, { mechanism: 'PLAIN' });
    const denied = await bad.request('SaslAuthenticate', 2, {
      authBytes: Buffer.from('\0shipper\0wrong'),
    });
    expect(denied.errorCode).toBe(58);
    expect(await bad.request('SaslHandshake', 1, { mechanism: 'SCRAM-SHA-256' })).toMatchObject({
      errorCode: 33,
    });
  });

  it('lets kcat produce and consume with SASL_PLAINTEXT credentials', async () => {
    ld = await startLogdock({ sasl: users });
    const auth = [
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanisms=PLAIN',
      '-X',
      'sasl.username=shipper',
      '-X',
      'sasl.password=s3cret',
    ];
    const produced = await runProcess('kcat', ['-b', ld.bootstrap, ...auth, '-P', '-t', 'secure'], {
      input: 'one\ntwo\n',
    });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runProcess('kcat', [
      '-b',
      ld.bootstrap,
      ...auth,
      '-C',
      '-t',
      'secure',
      '-e',
      '-q',
    ]);
    expect(consumed.stdout.trim().split('\n')).toEqual(['one', 'two']);
    const wrong = await runProcess('kcat', [
      '-b',
      ld.bootstrap,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanisms=PLAIN',
      '-X',
      'sasl.username=shipper',
      '-X',
      'sasl.password=nope',
      '-L',
      '-m',
      '3',
    ]);
    expect(wrong.code).not.toBe(0);
  });
});
