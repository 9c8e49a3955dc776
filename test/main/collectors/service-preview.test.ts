import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCollectors } from './helpers';
import { DockerContainer } from './containers/docker-writer';

const fx = useCollectors();

describe('previews of the service-log sources', () => {
  it('shows the containers found and the first lines of one, parsed as they will be stored', async () => {
    const root = join(fx.dir, 'containers');
    const web = new DockerContainer(root, 'web', { image: 'nginx:1.27' });
    web.write(['GET /', 'GET /health'], 'stderr', new Date('2026-01-02T03:04:05.000Z'));
    web.close();
    const p = await fx.manager.preview({ type: 'containers', id: 'd', topic: 't', roots: [root] });
    expect(p.file).toBe('web (nginx:1.27)');
    expect(p.matchedFiles).toEqual(['web']);
    expect(p.events.map((e) => [e.key, e.fields.stream, e.timestamp])).toEqual([
      ['web', 'stderr', Date.parse('2026-01-02T03:04:05.000Z')],
      ['web', 'stderr', Date.parse('2026-01-02T03:04:05.000Z')],
    ]);
  });

  it('shows the endpoint of an OTLP receiver, and why a journal cannot be read', async () => {
    const otlp = await fx.manager.preview({ type: 'otlp', id: 'o', topic: 't', port: 4400 });
    expect(otlp.file).toBe('http://127.0.0.1:4400/v1/logs');
    await expect(
      fx.manager.preview({
        type: 'journald',
        id: 'j',
        topic: 't',
        directory: join(fx.dir, 'none'),
      }),
    ).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/journalctl failed/),
    });
  });
});
