import { describe, expect, it } from 'vitest';
import { APIS, readRequestHeader } from '../../../src/main/protocol/codec/messages';
import { Reader } from '../../../src/main/protocol/codec/reader';
import { decodeFrame, fuzzDecode } from '../../../src/main/protocol/fuzz';
import { runProcess, useLogdock } from './helpers';

const logdock = useLogdock();

describe('fuzzing captured real requests', () => {
  it('decodes every request kcat sends, and survives mutations of them', async () => {
    const captured: Buffer[] = [];
    const ld = await logdock.start({ tap: (frame) => captured.push(frame) });
    const produced = await runProcess(
      'kcat',
      ['-b', ld.bootstrap, '-P', '-t', 'cap', '-K:', '-z', 'gzip'],
      { input: 'a:1\nb:2\n' },
    );
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await runProcess('kcat', [
      '-b',
      ld.bootstrap,
      '-C',
      '-t',
      'cap',
      '-e',
      '-q',
      '-X',
      'fetch.wait.max.ms=10',
    ]);
    expect(consumed.stdout.trim().split('\n')).toEqual(['1', '2']);
    await runProcess('kcat', ['-b', ld.bootstrap, '-L']);

    const apis = new Set(
      captured.map((f) => APIS.get(readRequestHeader(new Reader(f)).header.requestApiKey)?.name),
    );
    for (const name of ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'ListOffsets'])
      expect(apis).toContain(name);
    for (const frame of captured) expect(() => decodeFrame(frame)).not.toThrow();

    const stats = fuzzDecode(20_000, 7, captured);
    expect(stats.findings).toEqual([]);
    expect(stats.rejected).toBeGreaterThan(0);
  });
});
