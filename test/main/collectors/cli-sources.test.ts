import { describe, expect, it } from 'vitest';
import { otlpCliSource } from '../../../src/main/collectors/cli-sources';
import { spawnLogdock, serveArgs, stopLogdock, waitForUrl } from '../cli/commands/serve-process';
import { tempDir, waitFor } from './helpers';

describe('serve --otlp', () => {
  it('reads [[HOST:]PORT] with 127.0.0.1:4318 and topic otel-logs as defaults, and refuses anything else', () => {
    expect(otlpCliSource(true)).toMatchObject({
      type: 'otlp',
      host: '127.0.0.1',
      port: 4318,
      topic: 'otel-logs',
    });
    expect(otlpCliSource('4400')).toMatchObject({ host: '127.0.0.1', port: 4400 });
    expect(otlpCliSource('0.0.0.0:0')).toMatchObject({ host: '0.0.0.0', port: 0 });
    expect(otlpCliSource('[::1]:4318')).toMatchObject({ host: '::1', port: 4318 });
    expect(() => otlpCliSource('host:99999')).toThrow(
      /--otlp expects \[\[HOST:\]PORT\], got "host:99999"/,
    );
    expect(() => otlpCliSource('a:b')).toThrow(/INVALID|expects/);
  });

  it('starts a receiver that stores OTLP/JSON posts in otel-logs', async () => {
    const { dir, cleanup } = await tempDir();
    const run = spawnLogdock(['serve', ...serveArgs(dir), '--otlp', '127.0.0.1:0']);
    try {
      await waitForUrl(run);
      const url = await waitFor(
        'the receiver address',
        () => /OTLP logs receiver on (http:\/\/\S+)/.exec(run.err())?.[1],
      );
      const body = {
        resourceLogs: [
          { scopeLogs: [{ logRecords: [{ body: { stringValue: 'from a service' } }] }] },
        ],
      };
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({});
    } finally {
      await stopLogdock(run);
      await cleanup();
    }
  });
});
