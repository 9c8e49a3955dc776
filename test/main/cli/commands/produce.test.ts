import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBroker, partitionForKey } from '../../../../src/main/broker';
import { useCliDataDir } from '../../broker/helpers';
import { ROOT } from './serve-process';

const cli = useCliDataDir();

describe('logdock produce', () => {
  it('turns each stdin line into a record, splitting keys at the separator', async () => {
    await cli.run(['topics', '--create', '--topic', 'kv', '--partitions', '3']);
    const r = await cli.run(
      ['produce', '--topic', 'kv', '--key-separator', '='],
      'user-1=login\nuser-2=a=b\nuser-1=logout\n',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('3 records to kv');
    const broker = await openBroker({ dataDir: cli.dir });
    try {
      const p1 = partitionForKey(Buffer.from('user-1'), 3);
      const records = await broker.readRecords('kv', p1, 0);
      expect(
        records.filter((x) => x.key?.toString() === 'user-1').map((x) => x.value?.toString()),
      ).toEqual(['login', 'logout']);
      const p2 = partitionForKey(Buffer.from('user-2'), 3);
      const r2 = await broker.readRecords('kv', p2, 0);
      expect(r2.find((x) => x.key?.toString() === 'user-2')?.value?.toString()).toBe('a=b');
    } finally {
      await broker.close();
    }
  });

  it("takes kafka-console-producer's --property parse.key=true, splitting at a tab or at key.separator", async () => {
    const tab = await cli.run(
      ['produce', '--topic', 'props', '--property', 'parse.key=true'],
      'k1\tone\nk2\ttwo\n',
    );
    expect(tab.code, tab.stderr).toBe(0);
    const colon = await cli.run(
      [
        ...['produce', '--topic', 'props', '--property', 'parse.key=true'],
        ...['--property', 'key.separator=:', '--property', 'compression.type=lz4'],
      ],
      'k3:three\n',
    );
    expect(colon.code, colon.stderr).toBe(0);
    expect(colon.stderr).toContain('--property compression.type: not supported, ignored');
    const broker = await openBroker({ dataDir: cli.dir });
    try {
      const records = await broker.readRecords('props', 0, 0);
      expect(records.map((x) => `${x.key?.toString()}=${x.value?.toString()}`)).toEqual([
        'k1=one',
        'k2=two',
        'k3=three',
      ]);
    } finally {
      await broker.close();
    }
  });

  it('creates a missing topic and keeps line order without keys', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    const r = await cli.run(['produce', '--topic', 'plain'], lines.join('\n') + '\n');
    expect(r.code, r.stderr).toBe(0);
    const broker = await openBroker({ dataDir: cli.dir });
    try {
      const records = await broker.readRecords('plain', 0, 0, { maxRecords: 100 });
      expect(records.map((x) => x.value?.toString())).toEqual(lines);
      expect(records.every((x) => x.key === null)).toBe(true);
    } finally {
      await broker.close();
    }
  });

  it('reads stdin redirected from a file: BOM skipped, CRLF and a last line without newline, bytes kept', async () => {
    const input = join(cli.dir, '..', `${basename(cli.dir)}-in.txt`);
    writeFileSync(
      input,
      Buffer.concat([
        Buffer.from('\ufeffone\r\ntwo\n'),
        Buffer.from([0xff, 0x0a]), // not UTF-8: stored as it is
        Buffer.from('last'),
      ]),
    );
    const fd = openSync(input, 'r');
    try {
      const bin = join(ROOT, 'bin', 'logdock.mjs');
      const child = spawn(
        process.execPath,
        [bin, 'produce', '--topic', 'file', '--data-dir', cli.dir],
        { stdio: [fd, 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = (await once(child, 'close')) as [number | null];
      expect(code, stderr).toBe(0);
      expect(stderr).toContain('4 records to file');
    } finally {
      closeSync(fd);
      rmSync(input, { force: true });
    }
    const broker = await openBroker({ dataDir: cli.dir });
    try {
      const records = await broker.readRecords('file', 0, 0);
      expect(records.map((r) => r.value)).toEqual(
        ['one', 'two', Buffer.from([0xff]), 'last'].map((v) => Buffer.from(v)),
      );
    } finally {
      await broker.close();
    }
  });

  it('fails with the line number when a line lacks the key separator', async () => {
    const r = await cli.run(
      ['produce', '--topic', 't', '--key-separator', ':'],
      'a:1\nno separator\n',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no key separator ":" on line 2');
    const usage = await cli.run(['produce']);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toContain("required option '--topic <topic>' not specified");
  });
});
