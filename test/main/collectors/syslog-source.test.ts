import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SyslogFramer } from '../../../src/main/collectors/syslog-source';
import { header, readAll, useCollectors, waitFor } from './helpers';

const fixture = useCollectors();

describe('syslog source', () => {
  it('receives RFC 5424 over UDP and RFC 3164 over TCP with both framings on loopback', async () => {
    const view = await fixture.manager.add({
      type: 'syslog',
      id: 'sys',
      topic: 'syslog',
      port: 0,
      timezone: 'UTC',
    });
    const { udp, tcp } = view.status.listening!;
    expect(udp).toBe(tcp);
    const sock = createSocket('udp4');
    await new Promise<void>((r) =>
      sock.send(
        '<34>1 2003-10-11T22:14:15.003Z mymachine su - ID47 - udp message\n',
        udp!,
        '127.0.0.1',
        () => r(),
      ),
    );
    sock.close();
    const conn = connect(tcp!, '127.0.0.1');
    await new Promise<void>((r) => conn.once('connect', () => r()));
    const octet = '<13>Oct 11 22:14:15 host app[7]: counted';
    conn.write(
      `${Buffer.byteLength(octet)} ${octet}<13>Oct 11 22:14:16 host app: newline framed\nnot syslog at all\n`,
    );
    conn.end();
    const records = await waitFor('4 messages', async () => {
      const rs = await readAll(fixture.broker, 'syslog');
      return rs.length === 4 && rs;
    });
    const byText = (t: string) => records.find((r) => r.value!.toString().includes(t))!;
    const u = byText('udp message');
    expect(header(u, 'level')).toBe('crit');
    expect(header(u, 'field.host')).toBe('mymachine');
    expect(header(u, 'logdock.transport')).toBe('udp');
    expect(u.timestamp).toBe(Date.UTC(2003, 9, 11, 22, 14, 15, 3));
    expect(header(byText('counted'), 'field.procid')).toBe('7');
    expect(header(byText('newline framed'), 'level')).toBe('notice');
    expect(header(byText('not syslog'), 'logdock.parse-error')).toMatch(/not an RFC/);
    expect(fixture.manager.status()[0].parseErrors).toBe(1);
  });

  it('reports a port that is taken', async () => {
    const first = await fixture.manager.add({
      type: 'syslog',
      id: 'one',
      topic: 'syslog',
      port: 0,
      protocol: 'tcp',
    });
    await expect(
      fixture.manager.add({
        type: 'syslog',
        id: 'two',
        topic: 'syslog',
        port: first.status.listening!.tcp!,
        protocol: 'tcp',
      }),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});

describe('SyslogFramer', () => {
  it('splits octet-counted frames across chunks and cuts oversized ones', () => {
    const out: string[] = [];
    const f = new SyslogFramer(8, (m, cut) => out.push(`${m.toString()}${cut ? `|${cut}` : ''}`));
    f.push(Buffer.from('5 hel'));
    f.push(Buffer.from('lo12 abcdefghijkl3 xyz'));
    expect(out).toEqual(['hello', 'abcdefgh|12', 'xyz']);
  });

  it('rejects a malformed octet count', () => {
    const f = new SyslogFramer(100, () => {});
    expect(() => f.push(Buffer.from('12x4 abc'))).toThrow(/malformed octet count/);
  });
});
