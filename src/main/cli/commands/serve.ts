import { listenerSecurity, readSaslUsersFile } from '../kafka-listener';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createDispatcher } from '../../api/handlers';
import { defaultDataDir } from '../../data-dir';
import { chooseDataDir } from '../../settings/data-dir-pointer';
import { findRunningLogdock } from '../../headless/api-file';
import { isLoopback } from '../../headless/origins';
import { startHeadlessServer } from '../../headless/server';
import { journalCliSource, otlpCliSource, serveSources } from '../../collectors';
import {
  TAIL_OPTION_NAMES,
  TAIL_PARSERS,
  TailSpecs,
  type TailSpec,
} from '../../collectors/tail-options';
import { listenerTlsFiles, openServices } from '../../services';
import { loadListenerTls } from '../../protocol';
import { serveShips } from '../../shipping/cli';
import { LogdockError } from '../../../common/errors';
import { parsePartitionCount, parsePort } from '../options';

export interface ServeOptions {
  dataDir?: string;
  httpPort?: number;
  host: string;
  /** `--no-kafka` sets this to false. */
  kafka: boolean;
  kafkaPort?: number;
  /** TLS on the Kafka listener (Kafka's SSL listener), overriding settings. */
  kafkaTlsCert?: string;
  kafkaTlsKey?: string;
  /** With it, Kafka clients must present a certificate this CA signed. */
  kafkaTlsCa?: string;
  /** `--kafka-sasl-users FILE`: SASL/PLAIN users of the Kafka listener. */
  kafkaSaslUsers?: string;
  /** Kafka's num.partitions for auto-created topics (default: from settings, 1). */
  numPartitions?: number;
  /** `--no-auto-create-topics` sets this to false. */
  autoCreateTopics: boolean;
  /** Collector sources from a YAML/JSON file, and `TOPIC=GLOB` shorthands. */
  config?: string;
  /** `--tail TOPIC=GLOB` with the options given after each, in command-line order. */
  tail?: (string | TailSpec)[];
  /** `--ship LOCAL_TOPIC=kafka://HOST:PORT/REMOTE_TOPIC`, repeatable. */
  ship?: string[];
  /** `--otlp [[HOST:]PORT]`: true without a value. */
  otlp?: string | true;
  journal?: string[] | true;
  journalTopic?: string;
  journalDirectory?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Serve plain HTTP on a non-loopback interface anyway. */
  insecureHttp?: boolean;
}

/** `logdock serve`: headless mode, the app's services plus the UI and API over HTTP. */
export function registerServe(program: Command): void {
  const tails = new TailSpecs();
  program
    .command('serve')
    .description('run Logdock without Electron: serve the UI and its API to a browser')
    .option(
      '--data-dir <dir>',
      'data directory (default: $LOGDOCK_DATA_DIR or the OS app-data folder)',
    )
    .option('--http-port <port>', 'HTTP port (default: 7392, or a free one if taken)', parsePort)
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--tls-cert <file>', 'serve HTTPS/WSS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option(
      '--insecure-http',
      'allow plain HTTP on a --host other than loopback (the token then crosses the network in clear)',
    )
    .option('--kafka-port <port>', 'Kafka listener port (default: from settings, 9092)', parsePort)
    .option('--no-kafka', 'do not start the Kafka listener')
    .option(
      '--kafka-tls-cert <file>',
      'serve the Kafka listener over TLS (SSL) with this PEM certificate (with --kafka-tls-key)',
    )
    .option('--kafka-tls-key <file>', 'PEM private key of --kafka-tls-cert')
    .option(
      '--kafka-tls-ca <file>',
      'require Kafka clients to present a certificate signed by this PEM CA (with --kafka-tls-cert)',
    )
    .option(
      '--kafka-sasl-users <file>',
      'require SASL/PLAIN on the Kafka listener (SASL_SSL with --kafka-tls-cert) from the users in FILE, one user:password a line (mode 600)',
    )
    .option(
      '--num-partitions <n>',
      'partitions of automatically created topics (default: from settings, 1)',
      parsePartitionCount,
    )
    .option('--no-auto-create-topics', 'refuse to create topics producers or clients ask for')
    .option('--config <file>', 'add or replace collector sources from a YAML or JSON file')
    .option(
      '--tail <TOPIC=GLOB>',
      'tail files matching GLOB into TOPIC (repeatable); --parser, --multiline, --timezone and --[no-]time-from-line apply to the --tail before them',
    )
    .option(
      '--parser <type>',
      `parse the lines: ${TAIL_PARSERS.join(', ')} or regex:PATTERN (named groups)`,
    )
    .option(
      '--multiline <preset|pattern>',
      'join lines into events: java, python, go, or a pattern matching the first line of an event',
    )
    .option(
      '--timezone <zone>',
      'zone of line timestamps without one (local, UTC, +02:00, Europe/Paris)',
    )
    .option('--time-from-line', 'record timestamp = the event time found in the line (the default)')
    .option('--no-time-from-line', 'record timestamp = the ingestion time')
    .option(
      '--ship <LOCAL_TOPIC=kafka://HOST:PORT/REMOTE_TOPIC>',
      'forward a local topic to a topic of a Kafka cluster (or cluster://NAME/TOPIC, a saved one), acks=all, without loss or duplicates (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--otlp [address]',
      'receive OpenTelemetry logs over OTLP/HTTP on [HOST:]PORT (default 127.0.0.1:4318) into topic otel-logs',
    )
    .option(
      '--journal [units...]',
      'collect the systemd journal (every unit, or these) into topic journal, from its end',
    )
    .option('--journal-topic <topic>', 'topic of --journal and --journal-directory')
    .option(
      '--journal-directory <dir>',
      'collect the journal files in DIR (e.g. exported or remote journals), from their start',
    )
    .action(async (opts: ServeOptions) => {
      await serve({ ...opts, tail: tails.specs });
    });
  // Commander keeps no order between options: the events tell which --tail an option follows.
  const serveCommand = program.commands[program.commands.length - 1];
  serveCommand.on('option:tail', (value: string) => tails.tail(value));
  for (const name of TAIL_OPTION_NAMES)
    serveCommand.on(`option:${name}`, (value?: string) => tails.option(name, value));
}

/**
 * Opens the services, serves them, prints the URL to open and waits for SIGINT or
 * SIGTERM, then closes everything (flushing the log) and returns.
 * @throws LogdockError ALREADY_EXISTS when a live Logdock already serves this data dir.
 */
export async function serve(opts: ServeOptions): Promise<void> {
  const dataDir = resolve(opts.dataDir ?? (await chooseDataDir(defaultDataDir())));
  const running = await findRunningLogdock(dataDir);
  if (running) {
    throw new LogdockError(
      'ALREADY_EXISTS',
      `Logdock (pid ${running.pid}) already serves ${dataDir} at ${running.url}`,
    );
  }
  tokenFromEnv(process.env); // a bad token fails before anything opens
  const tls = await tlsOptions(opts);
  const security = await listenerSecurity(opts);
  const kafkaTls = await kafkaTlsOptions(security);
  const sasl = security.kafkaSaslUsers
    ? await readSaslUsersFile(resolve(security.kafkaSaslUsers))
    : undefined;
  // Validated before anything opens, so a bad config file fails fast and clearly.
  const sources = await serveSources({ config: opts.config, tail: opts.tail });
  const ships = await serveShips({ config: opts.config, ship: opts.ship });
  if (opts.otlp !== undefined) sources.push(otlpCliSource(opts.otlp));
  const journal = journalCliSource(opts);
  if (journal) sources.push(journal);
  const services = await openServices({
    dataDir,
    mode: 'headless',
    kafka: {
      ...(opts.kafka ? {} : { enabled: false }),
      ...(opts.kafkaPort !== undefined ? { enabled: true, port: opts.kafkaPort } : {}),
      ...(kafkaTls ? { tls: kafkaTls } : {}),
      ...(sasl ? { sasl } : {}),
    },
    broker: {
      ...(opts.numPartitions !== undefined ? { numPartitions: opts.numPartitions } : {}),
      // Only the flag overrides settings: without it the saved setting holds.
      ...(opts.autoCreateTopics === false ? { autoCreateTopics: false } : {}),
    },
  });
  const logger = services.logger;
  // A stray rejected promise in one request must not take down the server and every
  // open view with it: log it loudly and keep serving.
  process.on('unhandledRejection', (reason) =>
    logger.error(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`),
  );
  let server;
  try {
    if (sources.length > 0) await services.collectors.apply(sources);
    if (ships.length > 0) await services.shipping.apply(ships);
    server = await startHeadlessServer({
      dispatcher: createDispatcher(services),
      logger: logger.child('http'),
      dataDir,
      host: opts.host,
      port: opts.httpPort,
      token: tokenFromEnv(process.env),
      tls,
    });
  } catch (err) {
    await services.close();
    throw err;
  }
  logger.info(`data directory: ${dataDir}`);
  // The one line on stdout: scripts and the e2e harness read the URL from it.
  process.stdout.write(`Logdock is running in headless mode. Open ${server.url}\n`);

  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  logger.info(`${signal} received, shutting down`);
  // A second signal while closing means the user insists: leave now.
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await server.close();
  await services.close();
  logger.info('stopped');
}

/**
 * The certificate and key to serve with, or undefined for plain HTTP, which only a loopback
 * `--host` (or `--insecure-http`) gets: elsewhere the token would cross the network in clear.
 * @throws LogdockError INVALID_ARGUMENT naming the option or file at fault.
 */
export async function tlsOptions(
  opts: Pick<ServeOptions, 'host' | 'tlsCert' | 'tlsKey' | 'insecureHttp'>,
): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    throw new LogdockError('INVALID_ARGUMENT', '--tls-cert and --tls-key go together');
  }
  if (opts.tlsCert !== undefined && opts.tlsKey !== undefined) {
    const read = async (file: string, option: string) => {
      try {
        return await readFile(file);
      } catch (err) {
        throw new LogdockError('INVALID_ARGUMENT', `${option} ${file}: ${(err as Error).message}`);
      }
    };
    return {
      cert: await read(opts.tlsCert, '--tls-cert'),
      key: await read(opts.tlsKey, '--tls-key'),
    };
  }
  if (!isLoopback(opts.host) && !opts.insecureHttp) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `--host ${opts.host} serves the UI and API beyond this machine: give --tls-cert and --tls-key, or --insecure-http to serve plain HTTP anyway`,
    );
  }
  return undefined;
}

/**
 * `--kafka-tls-cert/-key/-ca`: checked here (files readable, key matching the certificate),
 * so a mistake stops `serve` at once instead of leaving the listener off.
 * @throws LogdockError INVALID_ARGUMENT (options that go together), and loadListenerTls's
 * NOT_FOUND / IO_ERROR / INVALID_CONFIG naming the file.
 */
export async function kafkaTlsOptions(
  opts: Pick<ServeOptions, 'kafkaTlsCert' | 'kafkaTlsKey' | 'kafkaTlsCa'>,
): Promise<{ certFile: string; keyFile: string; caFile: string | null } | undefined> {
  const { kafkaTlsCert: cert, kafkaTlsKey: key, kafkaTlsCa: ca } = opts;
  if ((cert === undefined) !== (key === undefined)) {
    throw new LogdockError('INVALID_ARGUMENT', '--kafka-tls-cert and --kafka-tls-key go together');
  }
  if (cert === undefined || key === undefined) {
    if (ca !== undefined)
      throw new LogdockError(
        'INVALID_ARGUMENT',
        '--kafka-tls-ca needs --kafka-tls-cert and --kafka-tls-key',
      );
    return undefined;
  }
  const files = {
    certFile: resolve(cert),
    keyFile: resolve(key),
    caFile: ca !== undefined ? resolve(ca) : null,
  };
  await loadListenerTls(listenerTlsFiles(files));
  return files;
}

/** What a token may hold: it travels in a WebSocket subprotocol, so only HTTP token chars. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

/**
 * `LOGDOCK_TOKEN`: a fixed API token instead of a random one per start. With it, pages that
 * stay open while the server restarts (on the same port) reconnect by themselves, because
 * the token they hold is still valid; without it a restart asks for the newly printed URL.
 * @throws LogdockError INVALID_ARGUMENT when it is set but too short or has other characters.
 */
export function tokenFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.LOGDOCK_TOKEN;
  if (token === undefined || token === '') return undefined;
  if (!TOKEN_PATTERN.test(token)) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `LOGDOCK_TOKEN must be 16 to 256 letters, digits, "_" or "-" (got ${token.length} characters)`,
    );
  }
  return token;
}
