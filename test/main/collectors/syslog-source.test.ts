import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SyslogFramer } from '../../../src/main/collectors/syslog-source';
import { closedByPeer, connected, header, readAll, useCollectors, waitFor } from './helpers';

const fixture = useCollectors();

/** Adds a syslog source on a free port of 127.0.0.1. */
const addSyslog = (id: string, topic: string, extra: Record<string, unknown>) =>
  fixture.manager.add({ type: 'syslog', id, topic, port: 0, ...extra });

describe('syslog source', () => {
  it('receives RFC 5424 over UDP and RFC 3164 over TCP with both framings on loopback', async () => {
    const view = await addSyslog('sys', 'syslog', { timezone: 'UTC' });
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

  it('reads no further over TCP than it has appended (backpressure)', async () => {
    const view = await addSyslog('flood', 'flood', { protocol: 'tcp' });
    const port = view.status.listening!.tcp!;
    const total = 200_000;
    // Another process writes as fast as the socket takes it.
    const sender = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:net').connect(${port}, '127.0.0.1', () => {
          let i = 0;
          const more = () => {
            while (i < ${total}) {
              const msg = '<13>Oct 11 22:14:15 host app: message ' + i++ + ' ' + 'p'.repeat(60) + '\\n';
              if (!c.write(msg)) return c.once('drain', more);
            }
            c.end();
          };
          more();
        });`,
      ],
      { stdio: 'ignore' },
    );
    const appended = () =>
      fixture.broker.describeTopic('flood').partitions.reduce((n, p) => n + p.logEndOffset, 0);
    let ahead = 0;
    try {
      await waitFor(
        'every message',
        () => {
          // Messages taken off the socket but not yet in the log: what a crash would lose.
          ahead = Math.max(ahead, fixture.manager.status()[0].lines - appended());
          return appended() >= total;
        },
        60_000,
      );
    } finally {
      sender.kill('SIGKILL');
    }
    // At most about one read from the socket (64 KiB, ~100-byte messages) at a time.
    expect(ahead).toBeLessThanOrEqual(1000);
  });

  it('keeps a 1 MiB newline-framed message over TCP as one cut record and the next message whole', async () => {
    const view = await addSyslog('big', 'big', { protocol: 'tcp' });
    const conn = connect(view.status.listening!.tcp!, '127.0.0.1');
    await new Promise<void>((r) => conn.once('connect', () => r()));
    const big = `<13>1 2026-12-07T20:00:00Z host app - - - ${'x'.repeat(1024 * 1024)}`;
    conn.write(`${big}\r\n<13>Dec  7 20:00:01 host app: after big\n`);
    conn.end();
    const records = await waitFor('2 messages', async () => {
      const rs = await readAll(fixture.broker, 'big');
      return rs.length >= 2 && rs;
    });
    expect(records).toHaveLength(2);
    expect(records[0].value!.length).toBe(64 * 1024);
    expect(header(records[0], 'logdock.cut')).toBe(String(Buffer.byteLength(big)));
    expect(header(records[0], 'field.app')).toBe('app');
    expect(records[1].value!.toString()).toBe('<13>Dec  7 20:00:01 host app: after big');
    expect(fixture.manager.status()[0].parseErrors).toBe(0);
  });

  it('records RFC 3164 messages without a TAG colon or a hostname as parsed, their text whole', async () => {
    const view = await addSyslog('tagless', 'tagless', { protocol: 'udp', timezone: 'UTC' });
    const sock = createSocket('udp4');
    const lines = [
      '<13>Dec  7 10:00:00 myhost some text without a tag',
      '<13>Dec  7 10:00:00 myhost app[123] text',
      '<13>Dec  7 10:00:00 app[12]: error: disk full',
    ];
    for (const line of lines)
      await new Promise<void>((r) =>
        sock.send(line, view.status.listening!.udp!, '127.0.0.1', () => r()),
      );
    sock.close();
    const records = await waitFor('3 messages', async () => {
      const rs = await readAll(fixture.broker, 'tagless');
      return rs.length === 3 && rs;
    });
    expect(records.map((r) => r.value!.toString()).sort()).toEqual([...lines].sort());
    for (const r of records) expect(header(r, 'logdock.parse-error')).toBeUndefined();
    expect(fixture.manager.status()[0].parseErrors).toBe(0);
    const noHost = records.find((r) => r.value!.toString().includes('disk full'))!;
    expect(header(noHost, 'field.host')).toBeUndefined();
    expect(header(noHost, 'field.app')).toBe('app');
    expect(header(noHost, 'field.procid')).toBe('12');
  });

  it('closes TCP connections beyond maxConnections at once, counts them, and serves again once one closes', async () => {
    const view = await addSyslog('capped', 'capped', { protocol: 'tcp', maxConnections: 3 });
    const port = view.status.listening!.tcp!;
    const status = () => fixture.manager.status()[0];
    const held = await Promise.all([0, 1, 2].map(() => connected(port)));
    await waitFor('3 connections open', () => status().connections?.open === 3);
    // A flood beyond the limit: each is closed by the listener, none is kept.
    const extra = await Promise.all(Array.from({ length: 20 }, () => connected(port)));
    await Promise.all(extra.map((c) => closedByPeer(c)));
    await waitFor('20 refused', () => status().connections?.refused === 20);
    expect(status().connections).toMatchObject({ open: 3, refused: 20 });
    expect(status().detail).toMatch(/20 refused \(maxConnections 3\)/);
    expect(status().lastError).toMatch(/maxConnections/);
    held[0].destroy();
    await waitFor('a slot free', () => status().connections?.open === 2);
    const late = await connected(port);
    late.end('<13>Dec  7 10:00:00 host app: after the flood\n');
    const records = await waitFor('the message', async () => {
      const rs = await readAll(fixture.broker, 'capped');
      return rs.length === 1 && rs;
    });
    expect(records[0].value!.toString()).toBe('<13>Dec  7 10:00:00 host app: after the flood');
    for (const c of held) c.destroy();
  });

  it('closes a TCP connection idle with an unfinished message or none yet, keeping what it sent, and not one between messages', async () => {
    // 2 s, not less: a loaded machine's event loop may stall long enough that a short
    // timeout fires before the data that arrived meanwhile is read.
    const view = await addSyslog('idle', 'idle', { protocol: 'tcp', idleTimeoutMs: 2000 });
    const port = view.status.listening!.tcp!;
    const status = () => fixture.manager.status()[0];
    const between = await connected(port);
    between.write('<13>Dec  7 10:00:00 host app: whole\n');
    await waitFor(
      'the whole message',
      async () => (await readAll(fixture.broker, 'idle')).length === 1,
    );
    const half = await connected(port);
    half.write('<13>Dec  7 10:00:01 host app: half sent');
    const silent = await connected(port);
    await Promise.all([closedByPeer(half), closedByPeer(silent)]);
    // The client sees the close before the listener has counted it.
    await waitFor('the two closed', () => status().connections?.open === 1);
    expect(status().connections).toMatchObject({ open: 1, closedIdle: 2 });
    // Longer idle than the two closed ones, but between messages: still served.
    between.end('<13>Dec  7 10:00:02 host app: later\n');
    const records = await waitFor('3 messages', async () => {
      const rs = await readAll(fixture.broker, 'idle');
      return rs.length === 3 && rs;
    });
    expect(records.map((r) => r.value!.toString()).sort()).toEqual([
      '<13>Dec  7 10:00:00 host app: whole',
      '<13>Dec  7 10:00:01 host app: half sent',
      '<13>Dec  7 10:00:02 host app: later',
    ]);
    expect(status().lastError).toMatch(/idleTimeoutMs 2000/);
  });

  it('reports a port that is taken', async () => {
    const first = await addSyslog('one', 'syslog', { protocol: 'tcp' });
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

  it('skips the rest of an oversized newline-framed message across chunks and gives its whole length', () => {
    const out: string[] = [];
    const f = new SyslogFramer(8, (m, cut) => out.push(`${m.toString()}${cut ? `|${cut}` : ''}`));
    f.push(Buffer.from('abcdefghij'));
    f.push(Buffer.from('klmnop'));
    f.push(Buffer.from('qr\nshort\nabcdefghijkl'));
    f.end();
    expect(out).toEqual(['abcdefgh|18', 'short', 'abcdefgh|12']);
  });

  it('joins a newline-framed message sent a few bytes at a time, cuts one past the limit, and keeps an unfinished one at the end', () => {
    const out: string[] = [];
    const f = new SyslogFramer(20, (m, cut) => out.push(`${m.toString()}${cut ? `|${cut}` : ''}`));
    for (const piece of ['ab', 'cd', 'ef\ngh', 'ij', 'kl', 'mn', 'op', 'qr', 'st', 'uv', 'wx'])
      f.push(Buffer.from(piece));
    f.push(Buffer.from('yz\nABCDEFGHIJ'));
    f.push(Buffer.from('KLMNOPQRST'));
    f.push(Buffer.from('UVW'));
    f.push(Buffer.from('XY\nunfin'));
    expect(f.holdsPartial()).toBe(true);
    f.push(Buffer.from('ished'));
    f.end();
    expect(out).toEqual([
      'abcdef',
      'ghijklmnopqrstuvwxyz',
      'ABCDEFGHIJKLMNOPQRST|25',
      'unfinished',
    ]);
  });

  it('gathers octet-counted frames sent a few bytes at a time, cuts one past the limit, and drops one unfinished at the end', () => {
    const out: string[] = [];
    const f = new SyslogFramer(8, (m, cut) => out.push(`${m.toString()}${cut ? `|${cut}` : ''}`));
    for (const piece of ['6 ab', 'c', 'def', '12 ABC', 'DEFGH', 'IJ', 'KL3 x', 'y', 'z9 unf'])
      f.push(Buffer.from(piece));
    expect(f.holdsPartial()).toBe(true);
    f.end();
    expect(out).toEqual(['abcdef', 'ABCDEFGH|12', 'xyz']);
    expect(f.holdsPartial()).toBe(false);
  });

  it('drops the LF that rsyslog counts into an octet-counted frame', () => {
    const out: string[] = [];
    const f = new SyslogFramer(100, (m) => out.push(m.toString()));
    f.push(Buffer.from('4 abc\n3 xyz'));
    expect(out).toEqual(['abc', 'xyz']);
  });

  it('rejects a malformed octet count', () => {
    const f = new SyslogFramer(100, () => {});
    expect(() => f.push(Buffer.from('12x4 abc'))).toThrow(/malformed octet count/);
  });
});
