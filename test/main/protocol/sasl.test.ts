import { describe, expect, it } from 'vitest';
import { runProcess, useLogdock } from './helpers';

const logdock = useLogdock();

const users = [{ username: 'shipper', password: 's3cret' }];

/** kcat options that log in as the `shipper` user over SASL_PLAINTEXT with `password`. */
function saslPlainArgs(password: string): string[] {
  return [
    '-X',
    'security.protocol=SASL_PLAINTEXT',
    '-X',
    'sasl.mechanisms=PLAIN',
    '-X',
    'sasl.username=shipper',
    '-X',
    `sasl.password=${password}`,
  ];
}

describe('SASL/PLAIN', () => {
  it('closes a connection that sends anything but ApiVersions or SASL before authenticating', async () => {
    const ld = await logdock.start({ sasl: users });
    const c = await logdock.client(ld.port);
    expect((await c.request('ApiVersions', 3, {})).errorCode).toBe(0);
    void c.request('Metadata', 1, { topics: null }).catch(() => undefined);
    await c.closedPromise;
    expect(ld.logs.some((l) => /Metadata before SASL authentication/.test(l))).toBe(true);
  });

  it('authenticates with SaslHandshake v1 and SaslAuthenticate, and refuses a wrong password', async () => {
    const ld = await logdock.start({ sasl: users });
    const good = await logdock.client(ld.port);
    expect(await good.request('SaslHandshake', 1, { mechanism: 'PLAIN' })).toMatchObject({
      errorCode: 0,
      mechanisms: ['PLAIN'],
    });
    const ok = await good.request('SaslAuthenticate', 2, {
      authBytes: Buffer.from('\0shipper\0s3cret'),
    });
    expect(ok.errorCode).toBe(0);
    expect((await good.request('Metadata', 1, { topics: null })).brokers).toHaveLength(1);

    const bad = await logdock.client(ld.port);
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
    const ld = await logdock.start({ sasl: users });
    const auth = saslPlainArgs('s3cret');
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
      ...saslPlainArgs('nope'),
      '-L',
      '-m',
      '3',
    ]);
    expect(wrong.code).not.toBe(0);
  });
});
