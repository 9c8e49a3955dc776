/**
 * A containers source: finds Docker containers under its roots (discovery.ts) and Podman's
 * in its storage (podman.ts), and runs one file source per container on its log: Docker's
 * json-file (`<id>-json.log*`, the `docker` parser preset: the `log` string as value,
 * `time` as timestamp, `stream` as a header) or Podman's k8s-file (`userdata/ctr.log`, the
 * `cri` preset, partial lines joined). The Docker Engine socket, where it exists, names
 * containers and makes a scan follow each container event (docker-engine.ts).
 * Reading, Docker's own rotation of the log by rename, and the no-loss/no-duplicate
 * checkpoints are the file source's; each container's source has the id
 * `<source>-<first 12 hex of the container id>`. Podman's API socket, where its service
 * runs, gives Podman's `--label`s, which are in no file. Records go to one topic keyed by the
 * container name, or to `<topic>.<name>` with `topicPerContainer`, with the container's
 * name, image and labels as headers (labelled-cluster.ts). A scan every `scanIntervalMs`
 * starts sources for new containers and stops those of removed ones.
 */
import {
  fileSourceSchema,
  type ContainersSourceConfig,
  type FileSourceConfig,
} from '../../../common/collectors/config';
import type { z } from 'zod';
import { FileSource } from '../file-source';
import type { SourceDeps } from '../source-deps';
import type { Source, SourceStatus } from '../status';
import { CRI_FULL_LINE } from '../parsers/cri';
import { findContainers, type Container } from './discovery';
import { DockerEngine, type EngineContainer } from './docker-engine';
import { findPodmanContainers } from './podman';
import { labelledCluster } from './labelled-cluster';

/**
 * Docker's containers under `roots` and Podman's under `podmanRoots`, with what the
 * engines (`known`) say of them where their files say nothing: the name, the image, and
 * labels (Podman's `--label`s are in no file), the files' own labels winning over the
 * engine's of the same key.
 */
export async function findAllContainers(
  config: ContainersSourceConfig,
  onError: (message: string) => void,
  known: (id: string) => EngineContainer | undefined = () => undefined,
): Promise<Container[]> {
  const found = [
    ...(await findContainers(config.roots, config.names, onError, (id) => known(id)?.name)),
    ...(await findPodmanContainers(config.podmanRoots, config.names, onError)),
  ];
  return found.map((c) => {
    const k = known(c.id);
    return k ? { ...c, image: c.image || k.image || '', labels: { ...k.labels, ...c.labels } } : c;
  });
}

/** How a container's log is read: Docker's json-file lines, or k8s-file lines with partial lines joined. */
export function logFormat(c: Container): Pick<FileSourceConfigInput, 'parser' | 'multiline'> {
  if (c.runtime === 'docker') return { parser: { type: 'preset', preset: 'docker' } };
  // A partial line (P) is closed by the next full one (F).
  return {
    parser: { type: 'preset', preset: 'cri' },
    multiline: { mode: 'end', pattern: CRI_FULL_LINE },
  };
}

type FileSourceConfigInput = z.input<typeof fileSourceSchema>;

export class ContainersSource implements Source {
  readonly id: string;
  private readonly running = new Map<string, { container: Container; source: FileSource }>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> | null = null;
  private closed: Promise<void> | null = null;
  private firstScan = true;
  private rescan = false;
  private state: SourceStatus['state'] = 'stopped';
  private lastError: string | null = null;
  /** The Docker Engine's and Podman's APIs, where their sockets exist: names, labels, and a scan at each container event. */
  private readonly engines: DockerEngine[] = [];

  constructor(
    readonly config: ContainersSourceConfig,
    private readonly deps: SourceDeps,
  ) {
    this.id = config.id;
  }

  async start(): Promise<void> {
    this.state = 'running';
    const sockets = [this.config.dockerSocket, this.config.podmanSocket].filter((s) => s);
    for (const socket of new Set(sockets)) {
      const engine = new DockerEngine(socket, {
        onChange: () => void this.scan(true),
        onError: (m) => this.deps.logger.child(`collector:${this.id}`).debug(m),
      });
      this.engines.push(engine);
      await engine.start();
    }
    await this.scan();
    this.timer = setInterval(() => void this.scan(), this.config.scanIntervalMs);
    this.timer.unref();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      for (const engine of this.engines) engine.close();
      await this.scanning;
      await Promise.all([...this.running.values()].map((r) => r.source.close()));
      this.running.clear();
      this.state = 'stopped';
    })();
    return this.closed;
  }

  status(): SourceStatus {
    const inner = [...this.running.values()].map((r) => r.source.status());
    const sum = (f: (s: SourceStatus) => number) => inner.reduce((n, s) => n + f(s), 0);
    const names = [...this.running.values()].map((r) => r.container.name);
    return {
      id: this.id,
      type: 'containers',
      topic: this.config.topic,
      state: this.state,
      lines: sum((s) => s.lines),
      linesPerSecond: sum((s) => s.linesPerSecond),
      cutLines: sum((s) => s.cutLines),
      parseErrors: sum((s) => s.parseErrors),
      bytesBehind: sum((s) => s.bytesBehind),
      lastError: this.lastError ?? inner.find((s) => s.lastError)?.lastError ?? null,
      detail: `${names.length} containers${names.length > 0 ? `: ${names.join(', ')}` : ''}`,
      files: inner.flatMap((s) => s.files),
    };
  }

  /** One scan at a time; `again` asks for another after the one running (an event came during it). */
  private scan(again = false): Promise<void> {
    if (this.scanning && again) {
      this.rescan = true;
      return this.scanning;
    }
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = null;
      if (this.rescan && !this.closed) {
        this.rescan = false;
        void this.scan();
      }
    });
    return this.scanning;
  }

  private async scanOnce(): Promise<void> {
    if (this.closed) return;
    const found = await findAllContainers(
      this.config,
      (m) => this.fail(m),
      (id) => this.engines.map((e) => e.known.get(id)).find((k) => k),
    );
    const ids = new Set(found.map((c) => c.id));
    for (const [id, r] of this.running) {
      if (ids.has(id)) continue;
      this.running.delete(id);
      await r.source.close();
    }
    for (const c of found) {
      if (this.running.has(c.id) || this.closed) continue;
      const source = new FileSource(this.fileConfig(c), {
        ...this.deps,
        cluster: labelledCluster(this.deps.cluster, c),
      });
      try {
        await source.start();
        this.running.set(c.id, { container: c, source });
      } catch (err) {
        await source.close().catch(() => {});
        this.fail(`container ${c.name}: ${(err as Error).message}`);
      }
    }
    this.firstScan = false;
    this.deps.onChange?.();
  }

  private fileConfig(c: Container): FileSourceConfig {
    const topic = this.config.topicPerContainer
      ? `${this.config.topic}.${c.name.replace(/[^A-Za-z0-9._-]/g, '_')}`.slice(0, 249)
      : this.config.topic;
    return fileSourceSchema.parse({
      type: 'file',
      id: `${this.id}-${c.id.slice(0, 12)}`.slice(0, 100),
      topic,
      include: [c.logGlob],
      ...logFormat(c),
      // A container appearing after the first scan is new: read it all.
      startAt: this.firstScan ? this.config.startAt : 'beginning',
      scanIntervalMs: Math.min(1000, this.config.scanIntervalMs),
    });
  }

  private fail(message: string): void {
    this.lastError = message;
    this.deps.logger.child(`collector:${this.id}`).warn(message);
  }
}
