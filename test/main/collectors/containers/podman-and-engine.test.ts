import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { header, readAll, useCollectors, waitFor } from '../helpers';
import { DockerContainer } from './docker-writer';
import { PodmanContainer } from './podman-writer';

const fx = useCollectors();

/** A containers source `pods` over the Podman storage `root`, asking no socket unless told. */
function addPodman(root: string, opts: { podmanSocket?: string; scanIntervalMs?: number } = {}) {
  return fx.manager.add({
    type: 'containers',
    id: 'pods',
    topic: 'pods',
    roots: [],
    podmanRoots: [root],
    dockerSocket: '',
    podmanSocket: '',
    scanIntervalMs: 100,
    ...opts,
  });
}

describe('Podman containers', () => {
  it('collects k8s-file logs found through containers.json, partial lines joined, keyed by name', async () => {
    const root = join(fx.dir, 'podman');
    const api = new PodmanContainer(root, 'api', {
      image: 'quay.io/acme/api:2',
      annotations: { 'io.podman.annotations.autoremove': 'FALSE' },
    });
    const time = new Date('2026-12-07T01:02:03.000Z');
    api.write(['listening on :8080', 'x'.repeat(10)], 'stdout', time, 4);
    api.write(['warn: slow'], 'stderr', time);
    const worker = new PodmanContainer(root, 'worker');
    worker.write(['job 1 done']);
    await addPodman(root);
    const records = await waitFor('4 records', async () => {
      const rs = await readAll(fx.broker, 'pods');
      return rs.length === 4 && rs;
    });
    const ofApi = records.filter((r) => r.key?.toString() === 'api');
    expect(ofApi.map((r) => r.value?.toString())).toEqual([
      'listening on :8080',
      'xxxxxxxxxx',
      'warn: slow',
    ]);
    expect(ofApi[0].timestamp).toBe(time.getTime());
    expect(header(ofApi[2], 'field.stream')).toBe('stderr');
    expect(header(ofApi[0], 'container.image')).toBe('quay.io/acme/api:2');
    expect(header(ofApi[0], 'container.id')).toBe(api.id);
    expect(header(ofApi[0], 'container.label.io.podman.annotations.autoremove')).toBe('FALSE');
    const [w] = records.filter((r) => r.key?.toString() === 'worker');
    expect(w.value?.toString()).toBe('job 1 done');
    api.close();
    worker.close();
  });

  it('reports a malformed containers.json and keeps running', async () => {
    const root = join(fx.dir, 'podman');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'containers.json'), '{"not": "an array"');
    await addPodman(root);
    await waitFor('the error', () =>
      /malformed .*containers\.json/.test(fx.manager.status()[0].lastError ?? ''),
    );
    rmSync(join(root, 'containers.json'));
    const c = new PodmanContainer(root, 'late');
    c.write(['hello']);
    await waitFor(
      'the late container',
      async () => (await readAll(fx.broker, 'pods')).length === 1,
    );
    c.close();
  });
});

/**
 * A stand-in for the Docker Engine on a unix socket, speaking the documented subset the
 * source uses: GET /containers/json and the GET /events stream (one JSON object per line).
 * There is no Docker on the test machines.
 */
class FakeEngine {
  readonly server: Server;
  readonly streams: ServerResponse[] = [];
  readonly requests: string[] = [];
  containers: { Id: string; Names: string[]; Image?: string; Labels?: Record<string, string> }[] =
    [];

  constructor(readonly socketPath: string) {
    this.server = createServer((req, res) => {
      this.requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://docker');
      if (req.method === 'GET' && url.pathname === '/containers/json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.containers));
      } else if (req.method === 'GET' && url.pathname === '/events') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
        this.streams.push(res);
      } else {
        res.writeHead(404).end('{"message":"page not found"}');
      }
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.socketPath, resolve));
  }

  /** An event as Docker and Podman's compat API send it: the labels among the attributes. */
  event(action: string, id: string, name: string, labels: Record<string, string> = {}): void {
    const e = {
      Type: 'container',
      Action: action,
      status: action,
      id,
      Actor: { ID: id, Attributes: { ...labels, name, image: 'busybox' } },
      time: 1,
    };
    for (const s of this.streams) s.write(`${JSON.stringify(e)}\n`);
  }

  close(): Promise<void> {
    for (const s of this.streams) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The engine a test started, closed after it. */
let engine: FakeEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('Docker Engine socket', () => {
  it('collects a container started later at its start event, named by the Engine when its config has no name yet', async () => {
    const root = join(fx.dir, 'docker');
    mkdirSync(root);
    engine = new FakeEngine(join(fx.dir, 'docker.sock'));
    const early = new DockerContainer(root, 'early');
    engine.containers = [{ Id: early.id, Names: ['/early'] }];
    early.write(['e1']);
    await engine.listen();
    await fx.manager.add({
      type: 'containers',
      id: 'docker',
      topic: 'ctr',
      roots: [root],
      podmanRoots: [],
      dockerSocket: engine.socketPath,
      // An hour: only the Engine's events can make the source look again.
      scanIntervalMs: 3_600_000,
    });
    await waitFor('early', async () => (await readAll(fx.broker, 'ctr')).length === 1);
    await waitFor('the event stream', () => engine!.streams.length === 1);
    expect(engine.requests[0]).toBe('/containers/json?all=1');
    expect(decodeURIComponent(engine.requests[1])).toBe('/events?filters={"type":["container"]}');
    const late = new DockerContainer(root, 'ignored');
    // Docker has not yet written the name: the Engine's event gives it.
    writeFileSync(join(late.dir, 'config.v2.json'), JSON.stringify({ ID: late.id, Config: {} }));
    late.write(['l1', 'l2']);
    engine.event('create', late.id, 'late-one');
    engine.event('start', late.id, 'late-one');
    const records = await waitFor('late', async () => {
      const rs = await readAll(fx.broker, 'ctr');
      return rs.length === 3 && rs;
    });
    expect(
      records.filter((r) => r.key?.toString() === 'late-one').map((r) => r.value?.toString()),
    ).toEqual(['l1', 'l2']);
    expect(header(records[2], 'container.name')).toBe('late-one');
    early.close();
    late.close();
  });

  it('works without the socket: containers are found by the scan alone', async () => {
    const root = join(fx.dir, 'docker');
    mkdirSync(root);
    const c = new DockerContainer(root, 'solo');
    c.write(['s1']);
    await fx.manager.add({
      type: 'containers',
      id: 'docker',
      topic: 'ctr',
      roots: [root],
      podmanRoots: [],
      dockerSocket: join(fx.dir, 'no-such.sock'),
      scanIntervalMs: 100,
    });
    await waitFor('solo', async () => (await readAll(fx.broker, 'ctr')).length === 1);
    expect(fx.manager.status()[0]).toMatchObject({ state: 'running', lastError: null });
    c.close();
  });
});

describe('Podman API socket', () => {
  it('labels Podman containers with their --labels from the service, beside the annotations of their files', async () => {
    const root = join(fx.dir, 'podman');
    engine = new FakeEngine(join(fx.dir, 'podman.sock'));
    const api = new PodmanContainer(root, 'api', {
      image: 'quay.io/acme/api:2',
      annotations: { 'io.container.manager': 'libpod', team: 'from-annotation' },
    });
    api.write(['a1']);
    // As `podman ps --format json` shows them: Podman's compat API answers in Docker's shape.
    engine.containers = [
      {
        Id: api.id,
        Names: ['/api'],
        Image: 'quay.io/acme/api:2',
        Labels: { team: 'payments', tier: 'web' },
      },
    ];
    await engine.listen();
    // An hour: only the service's events can make the source look again.
    await addPodman(root, { podmanSocket: engine.socketPath, scanIntervalMs: 3_600_000 });
    const [first] = await waitFor('a1', async () => {
      const rs = await readAll(fx.broker, 'pods');
      return rs.length === 1 && rs;
    });
    expect(header(first, 'container.label.tier')).toBe('web');
    expect(header(first, 'container.label.team')).toBe('from-annotation');
    expect(header(first, 'container.label.io.container.manager')).toBe('libpod');
    await waitFor('the event stream', () => engine!.streams.length === 1);
    const late = new PodmanContainer(root, 'late');
    late.write(['l1']);
    engine.event('create', late.id, 'late', { app: 'late-app' });
    engine.event('start', late.id, 'late', { app: 'late-app' });
    const records = await waitFor('l1', async () => {
      const rs = await readAll(fx.broker, 'pods');
      return rs.length === 2 && rs;
    });
    const l1 = records.find((r) => r.key?.toString() === 'late')!;
    expect(header(l1, 'container.label.app')).toBe('late-app');
    expect(header(l1, 'container.label.name')).toBeUndefined();
    api.close();
    late.close();
  });

  it('collects Podman containers without labels when no service listens on the socket', async () => {
    const root = join(fx.dir, 'podman');
    const c = new PodmanContainer(root, 'solo');
    c.write(['s1']);
    await addPodman(root, { podmanSocket: join(fx.dir, 'no-such.sock') });
    const [r] = await waitFor('s1', async () => {
      const rs = await readAll(fx.broker, 'pods');
      return rs.length === 1 && rs;
    });
    expect(header(r, 'container.label.team')).toBeUndefined();
    expect(fx.manager.status()[0]).toMatchObject({ state: 'running', lastError: null });
    c.close();
  });
});
