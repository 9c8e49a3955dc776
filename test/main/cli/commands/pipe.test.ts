import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pipe } from '../../../../src/main/cli/commands/pipe';
import { header, openBroker, readAll, values } from '../../collectors/helpers';
import { useCliDataDir } from '../../broker/helpers';
import { spawnLogdock, stopLogdock, waitForUrl } from './serve-process';

const BIN = fileURLToPath(new URL('../../../../bin/logdock.mjs', import.meta.url));
const cli = useCliDataDir('logdock-pipe-');

async function topicValues(topic: string) {
  const broker = await openBroker(cli.dir);
  try {
    return await readAll(broker, topic);
  } finally {
    await broker.close();
  }
}

describe('logdock pipe', () => {
  it('produces every stdin line, the last one without newline too, in order', async () => {
    const input = Readable.from([Buffer.from('one\ntw'), Buffer.from('o\r\nthree')]);
    expect(await pipe(input, { topic: 'piped', dataDir: cli.dir })).toBe(3);
    const records = await topicValues('piped');
    expect(values(records)).toEqual(['one', 'two', 'three']);
    expect(header(records[0], 'logdock.source')).toBe('pipe');
  });

  it('parses lines when asked and rejects an unknown parser', async () => {
    await pipe(Readable.from(['level=warn msg=hi\n']), {
      topic: 'p2',
      dataDir: cli.dir,
      parser: 'logfmt',
    });
    expect(header((await topicValues('p2'))[0], 'level')).toBe('warn');
    await expect(
      pipe(Readable.from([]), { topic: 'p2', dataDir: cli.dir, parser: 'xml' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('stops at the first line the log refuses, appending nothing after it, and says how far it got', async () => {
    const broker = await openBroker(cli.dir);
    // Holds 'one' (a 91-byte batch) but not the long line even cut to 16 bytes, whose
    // logdock.cut header makes its batch 122 bytes.
    await broker.createTopic('small', { configs: { 'max.message.bytes': 110 } });
    await broker.close();
    // One chunk at a time, as a slow writer would send them: each goes in its own append.
    async function* slowly() {
      for (const line of ['one\n', 'two\n', `${'x'.repeat(2000)}\n`, 'four\n', 'five\n']) {
        yield Buffer.from(line);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    await expect(
      pipe(Readable.from(slowly()), { topic: 'small', dataDir: cli.dir }),
    ).rejects.toThrow(/2 lines are in small; the next could not be appended/);
    expect(values(await topicValues('small'))).toEqual(['one', 'two']);
  });

  it("cuts a line longer than the topic's max.message.bytes and goes on with the next ones", async () => {
    const input = Readable.from([Buffer.from(`first\n${'x'.repeat(3 * 1024 * 1024)}\nlast\n`)]);
    // Before the fix the long line's record (1 MiB plus headers) was refused and the pipe
    // ended there with MESSAGE_TOO_LARGE.
    expect(await pipe(input, { topic: 'long', dataDir: cli.dir })).toBe(3);
    const records = await topicValues('long');
    expect(values(records).map((v) => v.length)).toEqual([5, 1048588 - 4096, 4]);
    expect(header(records[1], 'logdock.cut')).toBe(String(3 * 1024 * 1024));
  });

  it('goes through the API of a Logdock that serves the data directory', async () => {
    const serve = spawnLogdock(['serve', '--data-dir', cli.dir, '--http-port', '0', '--no-kafka'], {
      env: { ...process.env, LOGDOCK_DATA_DIR: cli.dir },
    });
    try {
      await waitForUrl(serve, 60_000);
      // The broker's lock is held by `serve`: opening the data directory directly would fail.
      expect(
        await pipe(Readable.from([Buffer.from('via\napi\n')]), {
          topic: 'viaapi',
          dataDir: cli.dir,
        }),
      ).toBe(2);
      // A line over max.message.bytes is cut there too, not refused with the pipe ended.
      const long = Buffer.from(`${'y'.repeat(2 * 1024 * 1024)}\nlast\n`);
      expect(await pipe(Readable.from([long]), { topic: 'viaapi', dataDir: cli.dir })).toBe(2);
    } finally {
      await stopLogdock(serve);
    }
    const records = await topicValues('viaapi');
    expect(values(records).map((v) => v.length)).toEqual([3, 3, 1048588 - 4096, 4]);
    expect(header(records[2], 'logdock.cut')).toBe(String(2 * 1024 * 1024));
  }, 120_000);

  it('works as a real pipe from another process into the CLI', async () => {
    const child = spawn(
      'sh',
      [
        '-c',
        `seq 1 2000 | "${process.execPath}" "${BIN}" pipe --topic seq --data-dir "${cli.dir}"`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('2000 lines into seq');
    expect(values(await topicValues('seq'))).toEqual(
      Array.from({ length: 2000 }, (_, i) => String(i + 1)),
    );
  });
});
