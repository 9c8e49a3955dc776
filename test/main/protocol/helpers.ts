/**
 * Test helpers for the Kafka listener: a real broker in a temp dir with a listener on a
 * random port, a minimal raw client that speaks the protocol through the codec, real child
 * processes (killed by `killChildren`), and condition waits with generous deadlines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openBroker, type Broker } from '../../../src/main/broker';
import type { Struct } from '../../../src/main/protocol/codec/compile';
import {
  apiByName,
  decodeResponse,
  encodeRequest,
  type ApiName,
} from '../../../src/main/protocol/codec/messages';
import {
  startKafkaServer,
  type KafkaServer,
  type KafkaServerOptions,
} from '../../../src/main/protocol';
import { waitFor as sharedWaitFor } from '../../wait';

export interface Logdock {
  dir: string;
  broker: Broker;
  server: KafkaServer;
  port: number;
  bootstrap: string;
  logs: string[];
  /** Closes the listener and the broker (the data dir stays until `remove`). */
  stop(): Promise<void>;
  /** stop() and delete the data dir. */
  remove(): Promise<void>;
}

export async function startLogdock(opts: KafkaServerOptions = {}, dir?: string): Promise<Logdock> {
  const dataDir = dir ?? (await mkdtemp(join(tmpdir(), 'logdock-protocol-')));
  const broker = await openBroker({ dataDir, initialRebalanceDelayMs: 200 });
  const logs: string[] = [];
  const server = await startKafkaServer(broker, {
    port: 0,
    log: (l, m) => logs.push(`${l}: ${m}`),
    ...opts,
  });
  const port = server.address().port;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close();
    await broker.close();
  };
  return {
    dir: dataDir,
    broker,
    server,
    port,
    bootstrap: `127.0.0.1:${port}`,
    logs,
    stop,
    async remove() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** What `useLogdock` hands a test file; everything it makes is torn down after each test. */
export interface LogdockFixture {
  /** Starts a Logdock (on `dir` to reopen a stopped one); removed after the test. */
  start(opts?: KafkaServerOptions, dir?: string): Promise<Logdock>;
  /** A raw client connected to `port`; closed after the test. */
  client(port: number): Promise<RawClient>;
  /** A fresh temporary directory; deleted after the test. */
  tempDir(prefix: string): Promise<string>;
  /** Runs `close` after the test (newest first); a failure of it is ignored. */
  onCleanup(close: () => unknown): void;
}

/**
 * The per-test teardown the listener tests share: registers an afterEach that kills spawned
 * processes, then undoes what the fixture made, newest first (clients before their Logdock).
 */
export function useLogdock(): LogdockFixture {
  const undo: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await killChildren();
    for (const step of undo.splice(0).reverse()) await step();
  });
  return {
    async start(opts, dir) {
      const ld = await startLogdock(opts, dir);
      undo.push(() => ld.remove());
      return ld;
    },
    async client(port) {
      const c = await RawClient.connect(port);
      undo.push(async () => c.close());
      return c;
    },
    async tempDir(prefix) {
      const path = await mkdtemp(join(tmpdir(), prefix));
      undo.push(() => rm(path, { recursive: true, force: true }));
      return path;
    },
    onCleanup(close) {
      undo.push(async () => {
        await Promise.resolve()
          .then(close)
          .catch(() => undefined);
      });
    },
  };
}

/** Polls `cond` (every 50 ms) until it is true; throws after `timeoutMs` naming `what`. */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 45_000,
): Promise<void> {
  await sharedWaitFor(cond, what, { timeoutMs, intervalMs: 50 });
}

const children = new Set<ChildProcess>();

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns a real process; its output is collected. Killed by `killChildren`. */
export function spawnProcess(
  cmd: string,
  args: string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Spawned {
  const child = spawn(cmd, args, {
    env: { ...process.env, ...opts.env },
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      children.delete(child);
      resolve(code);
    });
    child.on('error', () => resolve(-1));
  });
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs a process to completion (killed after `timeoutMs`). */
export async function runProcess(
  cmd: string,
  args: string[],
  opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnProcess(cmd, args, opts);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), opts.timeoutMs ?? 45_000);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

export async function killChildren(): Promise<void> {
  const waits = [...children].map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.exitCode !== null || c.signalCode !== null) return resolve();
        c.once('close', () => resolve());
        c.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
}

/** A bare protocol client over one socket, for requests clients would not send. */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: ((frame: Buffer) => void)[] = [];
  private correlation = 1;
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readInt32BE(0)) {
        const size = this.buffer.readInt32BE(0);
        const frame = this.buffer.subarray(4, 4 + size);
        this.buffer = this.buffer.subarray(4 + size);
        this.waiters.shift()?.(frame);
      }
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        resolve();
      }),
    );
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /** The next frame from the server (without its size prefix). */
  nextFrame(): Promise<Buffer> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a request and decodes its response. */
  async request(name: ApiName, version: number, body: Struct): Promise<Struct> {
    const api = apiByName(name);
    const id = this.correlation++;
    const frame = this.nextFrame();
    this.socket.write(encodeRequest(api, version, id, 'raw-test', body));
    const { correlationId, body: decoded } = decodeResponse(api, version, await frame);
    if (correlationId !== id) throw new Error(`correlation id ${correlationId}, expected ${id}`);
    return decoded;
  }

  /** A new idempotent producer id (InitProducerId without a transactional id). */
  async initProducerId(): Promise<number> {
    const init = await this.request('InitProducerId', 4, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: -1,
      producerEpoch: -1,
    });
    return init.producerId as number;
  }

  close(): void {
    this.socket.destroy();
  }
}
