/**
 * One client connection: splits the byte stream into size-prefixed frames, decodes each
 * request, runs its handler and writes the response. Requests of one connection are
 * served one at a time in arrival order, as Kafka does, so responses come back in order.
 *
 * Limits, each hitting only the offending client: a frame larger than `maxRequestBytes` (or
 * with a negative size) closes the connection before any of it is buffered beyond what
 * arrived; malformed requests, unknown API keys and unsupported versions close it too
 * (ApiVersions excepted, answered with error 35 as Kafka does). A client that sends faster
 * than it is served, or does not read its responses, is paused (`socket.pause()`) instead of
 * queueing without bound; other connections are unaffected. One that reads none of its
 * waiting responses for connectionsMaxIdleMs is closed, as an idle one is.
 */
import type { Socket } from 'node:net';
import { LogdockError } from '../../common/errors';
import type { Struct } from './codec/compile';
import {
  API_KEYS,
  APIS,
  decodeRequest,
  encodeResponse,
  readRequestHeader,
  type ApiSpec,
} from './codec/messages';
import { Reader } from './codec/reader';
import type { Broker } from './broker-types';
import type { BufferPool } from '../buffer-pool';
import { copyIntoShared } from '../shared-copy';
import type { AnyHandler, ConnectionInfo, RequestContext, ServerOptions } from './context';
import { KafkaError } from './errors';
import { checkPlainToken } from './handlers/sasl';
import type { ProducerStates } from './records/producer-state';

/** Frames decoded but not yet served before we stop reading from the socket. */
const MAX_QUEUED_FRAMES = 64;
/**
 * Request bytes queued (not yet served) before we stop reading from the socket; the rest
 * waits in the kernel's socket buffers. A producer faster than its appends (kcat) kept up to
 * 64 frames of 1 MB queued, each in a pooled buffer: more than the pool keeps idle, so every
 * round of it allocated new ones. With 16 MiB the pool's buffers are reused, and the
 * appends in flight (MAX_PRODUCE_IN_FLIGHT) still always have the next requests at hand.
 */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;
/**
 * Produce requests of one connection served at once. A Produce spends most of its time
 * waiting: for its check on the ingest thread, then for its write. Kafka serves a
 * connection's requests one at a time, but its appends do not wait on other threads; here,
 * starting the next ones meanwhile keeps the check, the write and this thread busy together
 * (kcat with many requests in flight). Their appends are queued in arrival order (each
 * partition log appends in call order, idempotent producers' checks run in order), so what
 * is stored and answered is what serving them one at a time would give.
 */
const MAX_PRODUCE_IN_FLIGHT = 4;
/** Unsent response bytes above which we wait for the client to read before serving more. */
const MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024;

export interface ConnectionDeps {
  broker: Broker;
  producers: ProducerStates;
  options: ServerOptions;
  /** Reused large buffers: produce frames gathered from several reads, fetch reads. */
  buffers: BufferPool;
  handlers: ReadonlyMap<number, AnyHandler>;
  onClose: (c: Connection) => void;
  /**
   * Called with the change in request bytes this connection holds (partial frames and
   * frames not yet served); the listener bounds their sum (queuedMaxRequestBytes).
   */
  onHeldBytes: (c: Connection, delta: number) => void;
}

/**
 * What the first bytes of an impossible frame look like, when they look like another
 * protocol: the usual cause is a client configured for TLS (or a browser) on this port.
 */
function notKafkaHint(bytes: Buffer): string {
  if (bytes[0] === 0x16 && bytes[1] === 0x03)
    return '; the bytes are a TLS handshake: this listener speaks plaintext (connect with security.protocol=PLAINTEXT or SASL_PLAINTEXT, or configure TLS on the listener)';
  if (/^(GET|POST|HEAD|PUT|OPTIONS) /.test(bytes.subarray(0, 8).toString('latin1')))
    return '; the bytes are an HTTP request: this is a Kafka listener, not a web server';
  return '';
}

/** A partial frame at least this large is gathered in one buffer of its declared size. */
const GATHER_FROM_BYTES = 1024 * 1024;
/** A produce frame at least this large that spans socket reads is copied into a pooled buffer. */
const POOL_FROM_BYTES = 64 * 1024;
const PRODUCE_KEY = API_KEYS.Produce;

/** A frame waiting to be served, and the pooled buffer holding it (if one does). */
interface QueuedFrame {
  frame: Buffer;
  pooled: Buffer | null;
}

export class Connection {
  readonly info: ConnectionInfo;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: QueuedFrame[] = [];
  private queuedBytes = 0;
  private serving = false;
  private closed = false;
  /** A large partial frame gathered in one buffer of its declared size (see onData). */
  private gather: { buf: Buffer; filled: number; pooled: Buffer | null } | null = null;
  /** Request bytes held: partial frame plus frames not yet served. */
  private held = 0;
  /**
   * When the last complete request arrived or a response was written whole to the socket
   * (Kafka counts writes as activity, too): for the idle rule and eviction.
   */
  lastActivity = Date.now();
  private readonly idleTimer: NodeJS.Timeout;
  private readonly abort = new AbortController();
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => {};

  constructor(
    readonly socket: Socket,
    id: number,
    private readonly deps: ConnectionDeps,
  ) {
    this.info = {
      id,
      clientHost: stripV4Mapped(socket.remoteAddress ?? 'unknown'),
      localHost: stripV4Mapped(socket.localAddress ?? deps.options.host),
      localPort: socket.localPort ?? deps.options.port,
      authenticated: !deps.options.sasl || deps.options.sasl.length === 0,
      expectRawSaslToken: false,
      saslMechanism: null,
      closed: this.abort.signal,
    };
    socket.setNoDelay(true);
    // Kafka's connections.max.idle.ms: a connection that completes no request for that long
    // (never sent one, or stalls mid-frame) is closed, so it cannot hold a slot for ever.
    const idleMs = deps.options.connectionsMaxIdleMs;
    this.idleTimer = setTimeout(() => this.onIdleTimeout(), idleMs);
    this.idleTimer.unref();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** Closes the socket and aborts waiting requests. Idempotent. */
  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    if (reason)
      this.deps.options.log('warn', `kafka: closing connection ${this.describe()}: ${reason}`);
    clearTimeout(this.idleTimer);
    this.abort.abort();
    this.socket.destroy();
    // What it buffered goes at once, not when the socket object is collected.
    this.chunks = [];
    this.gather = null;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.buffered = 0;
    this.setHeld(0);
    this.deps.onClose(this);
  }

  /** True when no request is being served or waiting: closing it loses nothing in flight. */
  isIdle(): boolean {
    return !this.serving && this.queue.length === 0;
  }

  /** Request bytes this connection holds (partial frame and unserved frames). */
  heldBytes(): number {
    return this.held;
  }

  private setHeld(next: number): void {
    const delta = next - this.held;
    this.held = next;
    if (delta !== 0) this.deps.onHeldBytes(this, delta);
  }

  private onIdleTimeout(): void {
    if (this.closed) return;
    const idleMs = this.deps.options.connectionsMaxIdleMs;
    const quietFor = Date.now() - this.lastActivity;
    const unsent = this.socket.writableLength;
    // Busy with nothing waiting to be read (a Fetch waiting for data, an append): kept.
    if (quietFor < idleMs || (!this.isIdle() && unsent === 0)) {
      this.idleTimer.refresh();
      return;
    }
    // Before, a client that never read its responses stayed busy, and so was never closed.
    this.close(
      unsent > 0
        ? `responses unread for ${quietFor} ms (connectionsMaxIdleMs ${idleMs}), ${unsent} bytes of them waiting`
        : `no complete request for ${quietFor} ms (connectionsMaxIdleMs ${idleMs})`,
    );
  }

  /** Resolves once the request being served (if any) has finished. */
  whenIdle(): Promise<void> {
    return this.idle;
  }

  private describe(): string {
    return `#${this.info.id} from ${this.info.clientHost}`;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.gather) chunk = this.fillGather(chunk);
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      try {
        this.extractFrames();
      } catch (err) {
        this.close((err as Error).message);
        return;
      }
      this.maybeGather();
    }
    this.setHeld(this.buffered + (this.gather?.filled ?? 0) + this.queuedBytes);
    if (this.closed) return; // the listener closed it to stay within queuedMaxRequestBytes
    if (this.backlogFull()) this.socket.pause();
    void this.serve();
  }

  /**
   * Moves a large partial frame into one buffer of its declared size. Socket reads arrive
   * as 64 KiB chunks; holding a hundred megabytes of them fragments the heap so that the
   * memory is not given back after the connection closes. One large buffer is.
   */
  private maybeGather(): void {
    if (this.buffered < GATHER_FROM_BYTES) return;
    if (this.chunks[0].length < 4) this.flatten();
    const size = this.chunks[0].readInt32BE(0);
    const { buf, pooled } = this.frameBuffer(4 + size);
    const filled = this.buffered;
    this.take(buf, filled);
    this.gather = { buf, filled, pooled };
  }

  /**
   * A buffer for a frame of `length` bytes (size prefix included) whose first 6 bytes are
   * buffered: a pooled one for a large Produce request (its bytes are not kept once it is
   * served, see serve), else a new one (other requests may keep views of theirs, e.g. a
   * group member's metadata).
   */
  private frameBuffer(length: number): { buf: Buffer; pooled: Buffer | null } {
    if (
      length >= POOL_FROM_BYTES &&
      this.byteAt(4) === PRODUCE_KEY >> 8 &&
      this.byteAt(5) === (PRODUCE_KEY & 0xff)
    ) {
      const pooled = this.deps.buffers.acquire(length);
      return { buf: pooled.subarray(0, length), pooled };
    }
    return { buf: Buffer.allocUnsafe(length), pooled: null };
  }

  /** The buffered byte at `index` (which must be buffered), without joining chunks. */
  private byteAt(index: number): number {
    for (const c of this.chunks) {
      if (index < c.length) return c[index];
      index -= c.length;
    }
    return -1;
  }

  /** Moves the first `n` buffered bytes into `buf` (from its start), keeping the rest. */
  private take(buf: Buffer, n: number): void {
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - filled);
      copyIntoShared(c.subarray(0, k), buf, filled);
      filled += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
  }

  /** Copies `chunk` into the gathered frame; queues it when complete. Returns what is left. */
  private fillGather(chunk: Buffer): Buffer {
    const g = this.gather!;
    const n = copyIntoShared(chunk, g.buf, g.filled);
    g.filled += n;
    if (g.filled === g.buf.length) {
      this.gather = null;
      this.enqueueFrame(g.buf.subarray(4), g.pooled);
    }
    return chunk.subarray(n);
  }

  private enqueueFrame(frame: Buffer, pooled: Buffer | null = null): void {
    this.deps.options.tap?.(Buffer.from(frame));
    this.queue.push({ frame, pooled });
    this.queuedBytes += frame.length;
    this.lastActivity = Date.now();
  }

  private extractFrames(): void {
    const max = this.deps.options.maxRequestBytes;
    while (this.buffered >= 4) {
      if (this.chunks[0].length < 4) this.flatten();
      const size = this.chunks[0].readInt32BE(0);
      if (size < 0 || size > max) {
        throw new LogdockError(
          'MESSAGE_TOO_LARGE',
          `request size ${size} is outside 0..${max} bytes (maxRequestBytes)${notKafkaHint(this.chunks[0])}`,
        );
      }
      if (this.buffered < 4 + size) return;
      if (this.chunks[0].length < 4 + size) {
        // The frame spans reads: copy it out once (into a reused buffer when large).
        const { buf, pooled } = this.frameBuffer(4 + size);
        this.take(buf, 4 + size);
        this.enqueueFrame(buf.subarray(4), pooled);
        continue;
      }
      const first = this.chunks[0];
      this.enqueueFrame(first.subarray(4, 4 + size));
      const rest = first.subarray(4 + size);
      if (rest.length > 0) this.chunks[0] = rest;
      else this.chunks.shift();
      this.buffered -= 4 + size;
    }
  }

  /** Joins the buffered chunks; only done once a whole frame (or size prefix) has arrived. */
  private flatten(): void {
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
  }

  /**
   * Serves the queued frames in arrival order. Consecutive Produce requests overlap: up to
   * MAX_PRODUCE_IN_FLIGHT are started before the oldest is answered (see
   * MAX_PRODUCE_IN_FLIGHT); any other request waits for them and runs alone. Responses are
   * written in request order whatever order handlers finish in.
   */
  private async serve(): Promise<void> {
    if (this.serving) return;
    this.serving = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    /** Produce requests started and not yet answered, oldest first. */
    const inFlight: Promise<void>[] = [];
    /** Settles once the last started request's response was written (or it failed). */
    let answered: Promise<unknown> = Promise.resolve();
    try {
      while (!this.closed && (this.queue.length > 0 || inFlight.length > 0)) {
        if (this.queue.length === 0) {
          await inFlight.shift();
          continue;
        }
        const { frame, pooled } = this.queue.shift() as QueuedFrame;
        this.queuedBytes -= frame.length;
        this.setHeld(this.buffered + (this.gather?.filled ?? 0) + this.queuedBytes);
        const overlaps = this.isProduce(frame);
        if (!overlaps) while (inFlight.length > 0) await inFlight.shift();
        const served = this.handleFrame(frame, answered).then((servedProduce) => {
          // A Produce handler is done with its bytes once it returns (the append was written).
          if (pooled && servedProduce) this.deps.buffers.release(pooled);
          this.lastActivity = Date.now();
        });
        // A request that fails unanswered closes the connection before a later one answers.
        answered = served.catch((err: unknown) => this.failed(err));
        if (!overlaps) await served;
        else if (inFlight.push(served) >= MAX_PRODUCE_IN_FLIGHT) await inFlight.shift();
        if (this.socket.writableLength > MAX_PENDING_WRITE_BYTES) await this.drained();
        if (this.socket.isPaused() && !this.backlogFull()) this.socket.resume();
      }
    } catch (err) {
      this.failed(err);
    } finally {
      // Closed meanwhile: whenIdle still waits for the requests already started.
      await Promise.allSettled(inFlight);
      this.serving = false;
      this.markIdle();
    }
  }

  private failed(err: unknown): void {
    this.close(`internal error: ${(err as Error).stack ?? String(err)}`);
  }

  /** Whether `frame` is a Produce request (read from its API key, before decoding). */
  private isProduce(frame: Buffer): boolean {
    return (
      !this.info.expectRawSaslToken && frame.length >= 2 && frame.readInt16BE(0) === PRODUCE_KEY
    );
  }

  /**
   * Too much read but not yet served: at most MAX_QUEUED_FRAMES frames and MAX_QUEUED_BYTES
   * (or one maximum-size request) are held per connection before we stop reading from it.
   */
  private backlogFull(): boolean {
    return (
      this.queue.length >= MAX_QUEUED_FRAMES ||
      this.queuedBytes >= Math.min(MAX_QUEUED_BYTES, this.deps.options.maxRequestBytes)
    );
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.abort.signal.removeEventListener('abort', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.abort.signal.addEventListener('abort', done);
    });
  }

  /**
   * Writes a response; the buffers `lent` to its handler (which it may refer to) go back to
   * the pool once the socket has taken its bytes, not before.
   */
  private send(chunks: Buffer[], lent: Buffer[] = []): void {
    if (this.closed) return;
    this.socket.cork();
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) this.socket.write(chunks[i]);
    this.socket.write(chunks[last], (err) => {
      if (err) return;
      this.lastActivity = Date.now();
      this.giveBack(lent);
    });
    this.socket.uncork();
  }

  private giveBack(lent: Buffer[]): void {
    for (const buf of lent) this.deps.buffers.release(buf);
  }

  /**
   * Decodes and serves one request; its response is written once `before` has settled (the
   * previous request's). Returns whether it was a Produce request.
   */
  private async handleFrame(frame: Buffer, before: Promise<unknown>): Promise<boolean> {
    if (this.info.expectRawSaslToken) {
      this.handleRawSaslToken(frame);
      return false;
    }
    const r = new Reader(frame);
    let header;
    let api: ApiSpec | undefined;
    try {
      ({ header, api } = readRequestHeader(r));
    } catch (err) {
      this.close(`malformed request header: ${(err as Error).message}`);
      return false;
    }
    const { requestApiKey: key, requestApiVersion: version, correlationId } = header;
    if (!api) {
      this.close(`unknown API key ${key}`);
      return false;
    }
    if (version < api.minVersion || version > api.maxVersion) {
      if (key === API_KEYS.ApiVersions) {
        // Kafka answers in v0 with error 35 and its version list, so the client can retry.
        await before;
        this.send(encodeResponse(api, 0, correlationId, unsupportedApiVersionsBody()));
        return false;
      }
      this.close(
        `unsupported version ${version} of ${api.name} (supported ${api.minVersion}-${api.maxVersion})`,
      );
      return false;
    }
    if (!this.info.authenticated && !SASL_EXEMPT.has(key)) {
      this.close(`${api.name} before SASL authentication`);
      return false;
    }
    let body: Struct;
    try {
      body = decodeRequest(api, version, r);
    } catch (err) {
      this.close(`malformed ${api.name} v${version} request: ${(err as Error).message}`);
      return false;
    }
    const handler = this.deps.handlers.get(key);
    if (!handler) {
      this.close(`no handler for ${api.name}`);
      return false;
    }
    const lent: Buffer[] = [];
    const ctx: RequestContext = {
      broker: this.deps.broker,
      producers: this.deps.producers,
      options: this.deps.options,
      connection: this.info,
      clientId: header.clientId ?? '',
      apiVersion: version,
      correlationId,
      borrow: (size) => {
        const buf = this.deps.buffers.acquire(size);
        lent.push(buf);
        return buf;
      },
    };
    // The one place the decoded body meets its type: the codec decoded it from the schema
    // the handler's request type was generated from (generated/types.ts).
    const response = await handler(ctx, body as never);
    await before;
    if (response !== null)
      this.send(encodeResponse(api, version, correlationId, response as Struct), lent);
    else this.giveBack(lent);
    return key === PRODUCE_KEY;
  }

  private handleRawSaslToken(frame: Buffer): void {
    this.info.expectRawSaslToken = false;
    const user = checkPlainToken(frame, this.deps.options.sasl ?? []);
    if (!user) {
      this.close('SASL/PLAIN authentication failed');
      return;
    }
    this.info.authenticated = true;
    const empty = Buffer.alloc(4); // a raw, empty server token
    this.send([empty]);
  }
}

const SASL_EXEMPT = new Set<number>([
  API_KEYS.ApiVersions,
  API_KEYS.SaslHandshake,
  API_KEYS.SaslAuthenticate,
]);

export function supportedApiVersions(): {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}[] {
  return [...APIS.values()]
    .sort((a, b) => a.key - b.key)
    .map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion }));
}

function unsupportedApiVersionsBody(): Struct {
  return { errorCode: KafkaError.UNSUPPORTED_VERSION.code, apiKeys: supportedApiVersions() };
}

function stripV4Mapped(addr: string): string {
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}
