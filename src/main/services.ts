import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCAL_CLUSTER, type ClusterView } from '../common/api/clusters';
import { LogdockError } from '../common/errors';
import { openBroker, type Broker } from './broker';
import { LocalCluster, type Cluster } from './cluster';
import { CollectorManager } from './collectors';
import { defaultDataDir } from './data-dir';
import { createLogger, openLogFile, type Logger } from './logger';
import { MetricsSampler } from './metrics/sampler';
import { startKafkaServer, type KafkaServer } from './protocol';
import type { SaslUser } from './protocol/context';
import { ClusterConnections } from './remote/connections';
import { ClusterRegistry } from './remote/registry';
import { keyFileCipher, SecretStore, type SecretCipher } from './remote/secrets';
import { ReplayManager } from './replay/manager';
import { ShipManager } from './shipping/manager';
import { compileQuery } from './search/query';
import { recoveryGateFromEnv } from './test-seams';
import { lowerHelperThreads } from './workers/helper-threads';
import {
  BACKGROUND_NICE,
  closeSharedWorkerPool,
  ingestWorkerPool,
  sharedWorkerPool,
} from './workers/pool';
import { loadSettings, SettingsStore } from './settings/store';
import type { AppSettings } from '../common/api/settings';

export type Mode = 'electron' | 'headless' | 'test';

/**
 * Everything the API handlers, the Electron shell and headless mode use, opened once per
 * process by `openServices` and closed by `close()`.
 */
export interface Services {
  readonly dataDir: string;
  readonly mode: Mode;
  readonly logger: Logger;
  /** The embedded log: topics, partitions, groups (issue 4); the Kafka listener serves it. */
  readonly broker: Broker;
  /**
   * The cluster the UI's handlers, search, replay, metrics and collectors work on, in
   * Kafka's terms (src/main/cluster): today the embedded broker, through `LocalCluster`.
   */
  readonly cluster: Cluster;
  /** The Kafka wire-protocol listener, or null when disabled or its port was unavailable. */
  readonly kafka: KafkaServer | null;
  /** `host:port` of the Kafka listener, or null. */
  readonly kafkaListener: string | null;
  readonly settings: SettingsStore;
  readonly metrics: MetricsSampler;
  readonly replay: ReplayManager;
  readonly collectors: CollectorManager;
  /** `local` and the remote Kafka clusters a person added (docs/clusters.md). */
  readonly clusters: ClusterRegistry;
  /** Open connections to those clusters by name, for requests that name one. */
  readonly connections: ClusterConnections;
  /** Local topics forwarded to remote clusters (docs/clusters.md, Shipping). */
  readonly shipping: ShipManager;
  /**
   * Closes every service in the reverse order of opening, flushing what they hold. Safe to
   * call more than once and concurrently: later calls return the first call's promise.
   * Never rejects; failures of single services are logged so the others still close.
   */
  close(): Promise<void>;
}

export interface OpenServicesOptions {
  dataDir: string;
  mode: Mode;
  /** Defaults to a logger writing to stderr and `<dataDir>/logs/logdock.log`. */
  logger?: Logger;
  /**
   * Overrides the Kafka listener of settings.json (CLI flags, tests). In mode `test` the
   * listener is off unless asked for, so tests never take port 9092.
   */
  kafka?: {
    enabled?: boolean;
    host?: string;
    port?: number;
    /** TLS files (`serve --kafka-tls-cert ...`); null: plaintext whatever settings say. */
    tls?: AppSettings['kafkaListener']['tls'];
    /** SASL/PLAIN users (`serve --kafka-sasl-users FILE`); none: no SASL. */
    sasl?: SaslUser[];
  };
  /** Overrides the broker settings of settings.json (`serve --num-partitions`, ...). */
  broker?: Partial<AppSettings['broker']>;
  /** Start the collectors (default true; tests of other parts turn them off). */
  collectors?: boolean;
  /**
   * Encrypts saved cluster secrets: Electron's safeStorage in the desktop app; by default a
   * key file in the data directory (docs/clusters.md, Secrets).
   */
  secretCipher?: SecretCipher;
  /** Time between samples of every cluster's rates and lag; default 5 s (tests shorten it). */
  metricsIntervalMs?: number;
}

/** One opened service and how to close it, kept in opening order. */
interface Closer {
  name: string;
  close: () => Promise<void> | void;
}

/**
 * Opens every service on `dataDir` (created if missing) in dependency order: log file,
 * broker, Kafka listener, settings, metrics, replay, collectors. If one fails to open, the
 * ones already opened are closed again and the error is rethrown. A Kafka port in use is
 * not fatal: the app runs without the listener and says so in the log (and in settings).
 * @throws LogdockError IO_ERROR when the data directory cannot be created; UNAVAILABLE when
 *   another process has it open (the broker's lock); CORRUPT_FILE from the broker.
 */
export async function openServices(options: OpenServicesOptions): Promise<Services> {
  const { dataDir, mode } = options;
  const closers: Closer[] = [];
  let logger = options.logger ?? createLogger();
  const closeAll = once(async () => {
    for (const { name, close } of [...closers].reverse()) {
      try {
        await close();
        logger.debug(`closed ${name}`);
      } catch (err) {
        logger.error(`closing ${name} failed: ${(err as Error).message}`);
      }
    }
  });

  try {
    await mkdir(dataDir, { recursive: true }).catch((err: Error) => {
      throw new LogdockError(
        'IO_ERROR',
        `cannot create data directory ${dataDir}: ${err.message}`,
        {
          cause: err,
        },
      );
    });
    if (!options.logger) {
      // Logdock's own log is also a source: the default collector ships it into a topic.
      const file = await openLogFile(join(dataDir, 'logs', 'logdock.log'));
      closers.push({ name: 'log file', close: () => file.close() });
      logger = createLogger({
        write: (line) => {
          process.stderr.write(line + '\n');
          file.write(line);
        },
      });
    }

    const { settings: saved, loadError } = await loadSettings(dataDir);
    if (loadError) logger.warn(`settings: ${loadError}`);

    // The broker shares the data directory's root with the CLI's commands (see
    // cli/support.ts), so both see the same topics.
    const brokerSettings = { ...saved.broker, ...options.broker };
    const broker = await openBroker({
      dataDir,
      autoCreateTopics: brokerSettings.autoCreateTopics,
      defaultPartitions: brokerSettings.numPartitions,
      initialRebalanceDelayMs: brokerSettings.groupInitialRebalanceDelayMs,
      defaultTopicConfigs: {
        'retention.ms': saved.defaultRetentionMs,
        'retention.bytes': saved.defaultRetentionBytes,
      },
      // Test seam (test/main/cli/commands/serve-recovery.test.ts): holds background recovery
      // so the test can see the process serve while partitions recover.
      recoveryGate: recoveryGateFromEnv(),
      // The address is printed before thousands of partitions are loaded (docs/storage.md).
      loadInBackground: true,
      // Test seam (test/main/cli/commands/serve-loading.test.ts): slows background loads
      // so the test can see the process serve while partitions load.
      loadDelayMs: Number(process.env.LOGDOCK_TEST_LOAD_DELAY_MS) || undefined,
    });
    closers.push({ name: 'broker', close: () => broker.close() });
    const cluster: Cluster = new LocalCluster(broker);

    const started = await startKafka(broker, saved.kafkaListener, brokerSettings, options, logger);
    const kafka = started?.server ?? null;
    if (kafka) closers.push({ name: 'Kafka listener', close: () => kafka.close() });
    const kafkaListener = kafka ? formatAddress(kafka.address()) : null;
    const kafkaListenerTls = started?.tls ?? null;

    // Outside tests a changed data directory is also recorded where the next start looks.
    const settings = await SettingsStore.open({
      dataDir,
      kafkaListener,
      kafkaListenerTls,
      ...(mode === 'test' ? {} : { defaultDataDir: defaultDataDir() }),
    });

    const clusters = await ClusterRegistry.open({
      dataDir,
      secrets: new SecretStore(dataDir, options.secretCipher ?? keyFileCipher(dataDir)),
      localView: () => localClusterView(kafkaListener, kafkaListenerTls),
    });

    const metricsOptions = { intervalMs: options.metricsIntervalMs };
    const metrics = new MetricsSampler(cluster, metricsOptions);
    metrics.start();
    closers.push({ name: 'metrics', close: () => metrics.stop() });

    const connections = new ClusterConnections(
      clusters,
      { name: LOCAL_CLUSTER, cluster, metrics },
      metricsOptions,
    );
    closers.push({ name: 'remote clusters', close: () => connections.close() });

    const replay = new ReplayManager(cluster, {
      compileFilter: compileQuery,
      clusters: async (name) => ({
        cluster: connections.scope(name).cluster,
        readOnly: (await clusters.view(name)).readOnly,
      }),
    });
    closers.push({ name: 'replay', close: () => replay.close() });

    const collectors = new CollectorManager({ cluster, dataDir, logger });
    // Registered before start so a half-started manager is still closed on failure.
    closers.push({ name: 'collectors', close: () => collectors.close() });
    if (options.collectors !== false) await collectors.start();
    // The search threads load their code once the app is up, not on the first search
    // (tests start them only when they search: each thread costs a second of CPU there).
    let warming: ReturnType<typeof setTimeout> | undefined;
    closers.push({
      name: 'search threads',
      close: () => {
        // A shutdown within the first second: the pools must not start after they closed.
        clearTimeout(warming);
        return closeSharedWorkerPool();
      },
    });
    if (mode !== 'test') {
      warming = setTimeout(() => {
        sharedWorkerPool().warm();
        ingestWorkerPool().warm();
      }, 1000).unref();
      // V8's helper threads below the main thread too; looked for twice, as a busy one is
      // not recognised (workers/helper-threads.ts).
      for (const ms of [1000, 10_000])
        setTimeout(() => lowerHelperThreads(BACKGROUND_NICE), ms).unref();
    }

    const shipping = new ShipManager({ local: cluster, clusters, dataDir, logger });
    closers.push({ name: 'shipping', close: () => shipping.close() });
    if (options.collectors !== false) await shipping.start();

    return {
      dataDir,
      mode,
      logger,
      broker,
      cluster,
      kafka,
      kafkaListener,
      settings,
      metrics,
      replay,
      collectors,
      clusters,
      connections,
      shipping,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * Starts the Kafka listener as settings and the caller's overrides ask. A listener that
 * cannot start (port in use, a non-loopback host without authentication, a TLS file that
 * cannot be read or is wrong) is logged, naming the cause, and the app runs without it.
 */
async function startKafka(
  broker: Broker,
  saved: AppSettings['kafkaListener'],
  brokerSettings: AppSettings['broker'],
  options: OpenServicesOptions,
  logger: Logger,
): Promise<{ server: KafkaServer; tls: AppSettings['kafkaListener']['tls'] } | null> {
  const wanted = {
    ...saved,
    ...(options.mode === 'test' ? { enabled: false } : {}),
    ...options.kafka,
  };
  if (!wanted.enabled) return null;
  const log = logger.child('kafka');
  try {
    const server = await startKafkaServer(broker, {
      host: wanted.host,
      port: wanted.port,
      autoCreateTopics: brokerSettings.autoCreateTopics,
      defaultPartitions: brokerSettings.numPartitions,
      log: (level, message) => log[level](message),
      ...(wanted.tls ? { tls: listenerTlsFiles(wanted.tls) } : {}),
      ...(options.kafka?.sasl ? { sasl: options.kafka.sasl } : {}),
    });
    const security = [wanted.tls ? 'TLS' : '', options.kafka?.sasl ? 'SASL/PLAIN' : '']
      .filter(Boolean)
      .join(', ');
    log.info(`listening on ${formatAddress(server.address())}${security ? ` (${security})` : ''}`);
    return { server, tls: wanted.tls };
  } catch (err) {
    if (
      err instanceof LogdockError &&
      ['UNAVAILABLE', 'INVALID_CONFIG', 'NOT_FOUND', 'IO_ERROR'].includes(err.code)
    ) {
      log.error(`Kafka listener not started: ${err.message}`);
      return null;
    }
    throw err;
  }
}

/** Settings' TLS files as the listener takes them (no CA file: clients are not verified). */
export function listenerTlsFiles(tls: NonNullable<AppSettings['kafkaListener']['tls']>) {
  return {
    certFile: tls.certFile,
    keyFile: tls.keyFile,
    ...(tls.caFile !== null ? { caFile: tls.caFile } : {}),
  };
}

function localClusterView(
  kafkaListener: string | null,
  tls: AppSettings['kafkaListener']['tls'],
): ClusterView {
  return {
    name: LOCAL_CLUSTER,
    kind: 'local',
    colour: '#64748b',
    bootstrapServers: kafkaListener ? [kafkaListener] : [],
    security: tls
      ? { protocol: 'SSL', tls: { hasKeyPassphrase: false, checkHostname: true } }
      : { protocol: 'PLAINTEXT' },
    readOnly: false,
  };
}

/** `host:port`, the form settings compare against (see SettingsStore). */
function formatAddress({ host, port }: { host: string; port: number }): string {
  return `${host}:${port}`;
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
