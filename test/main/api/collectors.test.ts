import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Source } from '../../../src/common/api/collectors';
import { openOpsHarness, waitFor, type OpsHarness } from './ops-harness';

let h: OpsHarness;
let logs: string;

beforeEach(async () => {
  h = await openOpsHarness();
  logs = join(h.dir, 'service-logs');
  await mkdir(logs);
});
afterEach(async () => {
  await h.close();
});

const source = (id = 'api') => ({
  type: 'file' as const,
  id,
  topic: 'api.logs',
  include: [join(logs, '*.log')],
  parser: { type: 'logfmt' as const },
});

const endOffset = (topic: string) =>
  h.broker
    .listTopics()
    .find((t) => t.name === topic)
    ?.partitions.reduce((n, p) => n + p.logEndOffset, 0) ?? 0;

describe('collectors handlers', () => {
  it('previews how the first lines of a matching file are split and parsed', async () => {
    await writeFile(
      join(logs, 'api.log'),
      'time=2024-01-01T00:00:00Z level=warn msg="slow query" ms=812\nnot = logfmt "\n',
    );
    const preview = await h.client.call('collectors.preview', { config: source() });
    expect(preview.file).toBe(join(logs, 'api.log'));
    expect(preview.events[0]).toMatchObject({
      lines: 1,
      level: 'warn',
      timestamp: Date.parse('2024-01-01T00:00:00Z'),
      fields: { ms: '812' },
      parseError: null,
    });
    expect(preview.events).toHaveLength(2);
    expect(h.broker.listTopics()).toEqual([]);
  });

  it('adds a source that collects a file as it is written, with live status', async () => {
    const file = join(logs, 'api.log');
    await writeFile(file, 'level=info msg=one\n');
    const statuses: Source[][] = [];
    const stop = h.client.subscribe('collectors.status', {}, (s) => statuses.push(s));
    const added = await h.client.call('collectors.add', { config: source() });
    expect(added.config).toMatchObject({ id: 'api', topic: 'api.logs', startAt: 'beginning' });
    await appendFile(file, 'level=error msg=two\nlevel=info msg=three\n');
    await waitFor(() => endOffset('api.logs') === 3, 'three lines in the topic');
    const listed = await waitFor(async () => {
      const [first] = await h.client.call('collectors.list', {});
      const f = first?.status.files[0];
      return f && f.position === f.size ? first : null;
    }, 'the file to be read to its end');
    expect(listed.status).toMatchObject({ state: 'running', bytesBehind: 0, lastError: null });
    expect(listed.status.files[0].path).toBe(file);
    await waitFor(() => statuses.some((s) => s.length === 1), 'a status event');
    stop();
  });

  it('pauses, resumes and removes a source, keeping its topic', async () => {
    const file = join(logs, 'api.log');
    await writeFile(file, 'level=info msg=one\n');
    await h.client.call('collectors.add', { config: source() });
    await waitFor(() => endOffset('api.logs') === 1, 'the first line');
    expect((await h.client.call('collectors.pause', { id: 'api' })).status.state).toBe('paused');
    await appendFile(file, 'level=info msg=while-paused\n');
    expect((await h.client.call('collectors.resume', { id: 'api' })).status.state).toBe('running');
    await waitFor(() => endOffset('api.logs') === 2, 'the line written while paused');
    await h.client.call('collectors.remove', { id: 'api' });
    expect(await h.client.call('collectors.list', {})).toEqual([]);
    expect(endOffset('api.logs')).toBe(2);
  });

  it('refuses a malformed source naming the field (a path holding a NUL byte among them), and unknown or duplicate ids', async () => {
    await expect(
      h.client.call('collectors.add', { config: { ...source(), include: [] } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/config\.include/),
    });
    await expect(
      h.client.call('collectors.add', {
        config: { ...source(), parser: { type: 'regex', pattern: '(' } },
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/invalid regular expression/) });
    // The OS would end the name at the NUL, so the path would name another file.
    await expect(
      h.client.call('collectors.add', {
        config: { ...source(), include: [join(logs, 'a\0b.log')] },
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/config\.include\.0.*NUL byte/s),
    });
    expect(await h.client.call('collectors.list', {})).toEqual([]);
    await h.client.call('collectors.add', { config: source() });
    await expect(h.client.call('collectors.add', { config: source() })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    await expect(h.client.call('collectors.pause', { id: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
