/**
 * The ships of this Logdock: which local topics are forwarded where (`<dataDir>/shipping.json`,
 * written atomically), one Forwarder each (./forwarder.ts), their status for the API, and the
 * retention warning logged when it appears. Ships come from `serve --ship`, a `--config`
 * file's `ship:` list and the UI; they are saved so they survive a restart.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { z as zod } from 'zod';
import type { shipStatusSchema } from '../../common/api/shipping';
import { LogdockError } from '../../common/errors';
import {
  parseShipTarget,
  shipConfigSchema,
  type ShipConfig,
  type ShipTarget as ParsedTarget,
} from '../../common/shipping/config';
import type { Cluster } from '../cluster/cluster';
import { readFileIfExists, writeFileAtomic } from '../fs/atomic-file';
import type { Logger } from '../logger';
import { clientOptions } from '../remote/client-options';
import { RemoteCluster } from '../remote/cluster';
import type { ClusterRegistry } from '../remote/registry';
import { Forwarder } from './forwarder';
import { retentionWarning } from './retention';

export type ShipStatus = zod.infer<typeof shipStatusSchema>;

const SHIPS_VERSION = 1;
const shipsFileSchema = z.object({
  version: z.literal(SHIPS_VERSION),
  ships: z.array(shipConfigSchema),
});

/** How often the retention warning is checked for the log. */
const WATCH_MS = 30_000;

interface Ship {
  config: ShipConfig;
  target: ParsedTarget;
  forwarder: Forwarder | null;
  /** Why the ship could not start (unknown or read-only cluster), shown as its last error. */
  error: string | null;
  warned: string | null;
}

export interface ShipManagerOptions {
  local: Cluster;
  clusters: ClusterRegistry;
  dataDir: string;
  logger: Logger;
  /** Passed to each forwarder (tests shorten the backoff). */
  maxBackoffMs?: number;
}

export class ShipManager {
  private readonly ships = new Map<string, Ship>();
  private readonly path: string;
  private readonly logger: Logger;
  private watch: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: ShipManagerOptions) {
    this.path = join(o.dataDir, 'shipping.json');
    this.logger = o.logger.child('shipping');
  }

  /** Starts the saved ships. A malformed shipping.json is logged and left as it is. */
  async start(): Promise<void> {
    const text = await readFileIfExists(this.path);
    if (text !== null) {
      try {
        const saved = shipsFileSchema.parse(JSON.parse(text)).ships;
        for (const config of saved) await this.open(config, { strict: false });
      } catch (err) {
        this.logger.error(
          `ignoring malformed ${this.path}: ${(err as Error).message.slice(0, 300)}`,
        );
      }
    }
    this.unsubscribe = this.o.clusters.onChange(
      () => void this.serial(() => this.reopenClusterShips()),
    );
    this.watch = setInterval(() => void this.checkRetention(), WATCH_MS);
  }

  /** Adds or replaces ships (`serve --ship`, `--config`), and saves them. */
  apply(configs: ShipConfig[]): Promise<void> {
    return this.serial(async () => {
      for (const config of configs) {
        await this.ships.get(config.topic)?.forwarder?.close();
        this.ships.delete(config.topic);
        await this.open(config, { strict: true });
      }
      await this.save();
    });
  }

  /** Throws ALREADY_EXISTS, NOT_FOUND (unknown cluster), FORBIDDEN (read-only cluster). */
  add(config: ShipConfig): Promise<ShipStatus> {
    return this.serial(async () => {
      if (this.ships.has(config.topic)) {
        throw new LogdockError(
          'ALREADY_EXISTS',
          `topic ${config.topic} is already shipped to ${this.ships.get(config.topic)!.config.to}`,
        );
      }
      await this.open(config, { strict: true });
      await this.save();
      return this.status(this.ships.get(config.topic)!);
    });
  }

  /** Throws NOT_FOUND. */
  remove(topic: string): Promise<void> {
    return this.serial(async () => {
      const ship = this.ships.get(topic);
      if (!ship) throw new LogdockError('NOT_FOUND', `topic ${topic} is not shipped`);
      this.ships.delete(topic);
      await ship.forwarder?.close();
      await this.save();
    });
  }

  async list(): Promise<ShipStatus[]> {
    return Promise.all([...this.ships.values()].map((s) => this.status(s)));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.watch);
    this.unsubscribe?.();
    await this.chain.catch(() => undefined);
    await Promise.all([...this.ships.values()].map((s) => s.forwarder?.close()));
  }

  // ---------------------------------------------------------------- helpers

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Starts a ship. `strict`: a target that cannot be used (unknown or read-only cluster)
   * throws; otherwise (saved ships at start) the ship is kept with that error in its status.
   */
  private async open(config: ShipConfig, { strict }: { strict: boolean }): Promise<void> {
    if (this.closed) throw new LogdockError('CLOSED', 'shipping is closed');
    const target = parseShipTarget(config.to);
    if (typeof target === 'string')
      throw new LogdockError('INVALID_CONFIG', `ship ${config.topic} to ${config.to}: ${target}`);
    const ship: Ship = { config, target, forwarder: null, error: null, warned: null };
    try {
      const remote = await this.connect(target, config);
      const forwarder = new Forwarder({
        local: this.o.local,
        target: remote,
        topic: config.topic,
        to: config.to,
        remoteTopic: target.topic,
        checkpointPath: join(this.o.dataDir, 'shipping', `${config.topic}.json`),
        origin: originOf(this.o.dataDir, config.topic),
        logger: this.logger,
        ...(this.o.maxBackoffMs ? { maxBackoffMs: this.o.maxBackoffMs } : {}),
      });
      await mkdir(join(this.o.dataDir, 'shipping'), { recursive: true });
      ship.forwarder = forwarder;
      forwarder.start();
    } catch (err) {
      if (strict) throw err;
      ship.error = (err as Error).message;
      this.logger.error(`ship ${config.topic} not started: ${ship.error}`);
    }
    this.ships.set(config.topic, ship);
  }

  private async connect(target: ParsedTarget, config: ShipConfig): Promise<RemoteCluster> {
    if (target.kind === 'bootstrap') {
      return new RemoteCluster({
        name: target.servers.join(','),
        client: { clientId: 'logdock-ship', bootstrapBrokers: target.servers },
      });
    }
    if (!this.o.clusters.has(target.name))
      throw new LogdockError('NOT_FOUND', `ship ${config.topic}: no cluster named ${target.name}`);
    const settings = await this.o.clusters.connectionConfig(target.name);
    if (settings.readOnly) {
      throw new LogdockError(
        'FORBIDDEN',
        `cluster ${target.name} is read-only: it cannot be the ship target of ${config.topic} (turn read-only off in its settings)`,
      );
    }
    return new RemoteCluster({
      name: target.name,
      client: await clientOptions(settings, `logdock-ship-${target.name}`),
    });
  }

  /** A saved cluster's settings changed: its ships reconnect with the new ones. */
  private async reopenClusterShips(): Promise<void> {
    for (const ship of [...this.ships.values()]) {
      if (ship.target.kind !== 'cluster' || this.closed) continue;
      await ship.forwarder?.close();
      this.ships.delete(ship.config.topic);
      await this.open(ship.config, { strict: false });
    }
  }

  private async save(): Promise<void> {
    const ships = [...this.ships.values()].map((s) => s.config);
    await writeFileAtomic(
      this.path,
      JSON.stringify({ version: SHIPS_VERSION, ships }, null, 2) + '\n',
    );
  }

  private async status(ship: Ship): Promise<ShipStatus> {
    const { config, target, forwarder } = ship;
    const snapshot = forwarder?.snapshot();
    const partitions: ShipStatus['partitions'] = [];
    let warning: string | null = null;
    try {
      const described = await this.o.local.describeTopic(config.topic);
      const positions = new Map(snapshot?.positions);
      for (const p of described.partitions) {
        // Not connected yet and no checkpoint: nothing of it is forwarded.
        const position = positions.get(p.partition) ?? {
          next: p.logStartOffset,
          remotePartition: -1,
          remoteNext: 0,
        };
        positions.set(p.partition, position);
        partitions.push({
          partition: p.partition,
          remotePartition: position.remotePartition,
          forwardedOffset: position.next,
          logStartOffset: p.logStartOffset,
          logEndOffset: p.logEndOffset,
          backlog: Math.max(0, p.logEndOffset - position.next),
        });
      }
      if (snapshot) warning = await retentionWarning(this.o.local, config.topic, positions);
    } catch {
      // The local topic does not exist yet: nothing to show per partition.
    }
    return {
      config,
      cluster: target.kind === 'cluster' ? target.name : target.servers.join(','),
      remoteTopic: target.topic,
      state: snapshot?.state ?? 'stopped',
      partitions,
      backlog: partitions.reduce((n, p) => n + p.backlog, 0),
      forwarded: snapshot?.forwarded ?? 0,
      linesPerSecond: snapshot?.linesPerSecond ?? 0,
      lostRecords: snapshot?.lostRecords ?? 0,
      lastError: ship.error ?? snapshot?.lastError ?? null,
      lastErrorAt: snapshot?.lastErrorAt ?? null,
      retentionWarning: warning,
    };
  }

  /** Logs a retention warning when it appears (the status shows it at every poll). */
  private async checkRetention(): Promise<void> {
    for (const ship of this.ships.values()) {
      const snapshot = ship.forwarder?.snapshot();
      if (!snapshot) continue;
      const warning = await retentionWarning(
        this.o.local,
        ship.config.topic,
        snapshot.positions,
      ).catch(() => null);
      if (warning && warning !== ship.warned)
        this.logger.warn(`ship ${ship.config.topic}: ${warning}`);
      ship.warned = warning;
    }
  }
}

/**
 * The `<origin>` of the `logdock.ship` header: this Logdock (host and data directory) and the
 * local topic, hashed. Stable across restarts, and needs no file: a lost checkpoint still
 * finds this origin's records on the remote topic.
 */
export function originOf(dataDir: string, topic: string): string {
  return createHash('sha256')
    .update(`${hostname()}\0${dataDir}\0${topic}`)
    .digest('hex')
    .slice(0, 12);
}
