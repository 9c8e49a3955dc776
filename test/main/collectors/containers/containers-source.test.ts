import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { header, readAll, useCollectors, waitFor } from '../helpers';
import { DockerContainer } from './docker-writer';

const fx = useCollectors();

describe('containers source', () => {
  it("collects every container's json-file log into one topic keyed by name, with image, labels and stream, across Docker's rotation", async () => {
    const root = join(fx.dir, 'containers');
    const web = new DockerContainer(root, 'web', {
      image: 'nginx:1.27',
      labels: { tier: 'front' },
    });
    const db = new DockerContainer(root, 'db', { image: 'postgres:17' });
    const time = new Date('2026-05-06T07:08:09.010Z');
    web.write(['GET /', 'GET /health'], 'stdout', time);
    db.write(['ready to accept connections'], 'stderr', time);
    await fx.manager.add({
      type: 'containers',
      id: 'docker',
      topic: 'containers',
      roots: [root],
      scanIntervalMs: 100,
    });
    await waitFor('3 records', async () => (await readAll(fx.broker, 'containers')).length === 3);
    web.rotate();
    web.write(['after rotation 1']);
    web.rotate();
    web.write(['after rotation 2']);
    const records = await waitFor('5 records', async () => {
      const rs = await readAll(fx.broker, 'containers');
      return rs.length === 5 && rs;
    });
    const ofWeb = records.filter((r) => r.key?.toString() === 'web');
    // Lines of one file keep their order; the file source may read a rotated file's rest
    // after the new file's first lines.
    expect(ofWeb.map((r) => r.value?.toString()).sort()).toEqual([
      'GET /',
      'GET /health',
      'after rotation 1',
      'after rotation 2',
    ]);
    expect(ofWeb.slice(0, 2).map((r) => r.value?.toString())).toEqual(['GET /', 'GET /health']);
    expect(ofWeb[0].timestamp).toBe(time.getTime());
    expect(header(ofWeb[0], 'container.image')).toBe('nginx:1.27');
    expect(header(ofWeb[0], 'container.label.tier')).toBe('front');
    expect(header(ofWeb[0], 'container.id')).toBe(web.id);
    expect(header(ofWeb[0], 'field.stream')).toBe('stdout');
    const [pg] = records.filter((r) => r.key?.toString() === 'db');
    expect(pg.value?.toString()).toBe('ready to accept connections');
    expect(header(pg, 'field.stream')).toBe('stderr');
    web.close();
    db.close();
  });

  it('gives each container its own topic when asked, picks up containers started later and drops removed ones', async () => {
    const root = join(fx.dir, 'containers');
    const a = new DockerContainer(root, 'alpha');
    a.write(['a1']);
    await fx.manager.add({
      type: 'containers',
      id: 'docker',
      topic: 'ctr',
      roots: [root],
      topicPerContainer: true,
      names: ['alpha', 'be*'],
      scanIntervalMs: 100,
    });
    const skipped = new DockerContainer(root, 'gamma');
    skipped.write(['not collected']);
    const b = new DockerContainer(root, 'beta');
    b.write(['b1', 'b2']);
    await waitFor('beta', async () => (await readAll(fx.broker, 'ctr.beta')).length === 2);
    expect((await readAll(fx.broker, 'ctr.alpha')).map((r) => r.value?.toString())).toEqual(['a1']);
    await waitFor('two containers', () =>
      /2 containers: alpha, beta/.test(fx.manager.status()[0].detail ?? ''),
    );
    a.close();
    rmSync(a.dir, { recursive: true });
    await waitFor('alpha dropped', () =>
      /1 containers: beta/.test(fx.manager.status()[0].detail ?? ''),
    );
    expect(fx.broker.listTopics().map((t) => t.name)).not.toContain('ctr.gamma');
    b.close();
    skipped.close();
  });
});
