/**
 * A syslog listener on 127.0.0.1: UDP (one message per datagram) and TCP with both RFC 6587
 * framings, octet counting (`LEN SP MSG`) and newline-delimited, told apart per message by
 * its first byte (a digit starts a length). Messages are parsed as RFC 5424 or RFC 3164;
 * the record's value is the message as received, its fields go to headers, and a message
 * that is neither format is kept with `logdock.parse-error`. TCP connections are bounded
 * (`maxConnections`, connection-limit.ts) and one left hanging mid-message is closed
 * (`idleTimeoutMs`), so a client cannot hold descriptors and buffers for ever.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { LogdockError } from '../../common/errors';
import type { ProduceRecord } from '../cluster';
import type { SyslogSourceConfig } from '../../common/collectors/config';
import type { SourceDeps } from './source-deps';
import { parseSyslog, type Parser } from './parsers';
import { QueuedSource } from './queued-source';
import { H, buildRecord, fixedHeader } from './record';
import {
  countIdleClose,
  describeConnections,
  limitConnections,
  type ConnectionCounts,
} from './connection-limit';
import type { Source, SourceStatus } from './status';
import { ensureTopic } from './topic';

export class SyslogSource extends QueuedSource<SyslogSourceConfig> implements Source {
  private readonly parser: Parser;
  private udp: Socket | null = null;
  private tcp: Server | null = null;
  private readonly conns = new Set<TcpSocket>();
  private connCounts: ConnectionCounts | null = null;
  private closed: Promise<void> | null = null;
  private ports = { udp: null as number | null, tcp: null as number | null };

  constructor(config: SyslogSourceConfig, deps: SourceDeps) {
    super(config, deps);
    this.parser = (text) =>
      parseSyslog(text, config.timezone) ?? { error: 'not an RFC 5424 or RFC 3164 syslog message' };
  }

  /**
   * Creates the topic and binds the listeners (TCP first, so that with port 0 UDP can take
   * the same number). @throws LogdockError UNAVAILABLE when a port is in use.
   */
  async start(): Promise<void> {
    await ensureTopic(this.deps.cluster, this.config.topic);
    let port = this.config.port;
    try {
      if (this.config.protocol !== 'udp') {
        port = await this.listenTcp(port);
        this.ports.tcp = port;
      }
      if (this.config.protocol !== 'tcp') this.ports.udp = await this.listenUdp(port);
    } catch (err) {
      await this.close();
      throw new LogdockError(
        'UNAVAILABLE',
        `syslog source ${this.id}: cannot listen on 127.0.0.1:${port}: ${(err as Error).message}`,
      );
    }
    this.state = 'running';
    this.closed = null;
  }

  /** Closes the listeners and connections and waits for queued records. Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      const udp = this.udp;
      this.udp = null;
      if (udp) await new Promise<void>((r) => udp.close(() => r()));
      const tcp = this.tcp;
      this.tcp = null;
      for (const c of this.conns) c.destroy();
      if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
      await this.queue.idle();
      this.state = 'stopped';
    })();
    return this.closed;
  }

  status(): SourceStatus {
    const parts = [];
    if (this.ports.udp !== null) parts.push(`udp 127.0.0.1:${this.ports.udp}`);
    if (this.ports.tcp !== null) parts.push(`tcp 127.0.0.1:${this.ports.tcp}`);
    const counts = this.connCounts;
    let detail = parts.length > 0 ? `listening on ${parts.join(', ')}` : null;
    if (detail && counts) detail += `; ${describeConnections(counts, this.config.maxConnections)}`;
    return {
      ...this.baseStatus('syslog', detail),
      listening: { ...this.ports },
      ...(counts ? { connections: { ...counts } } : {}),
    };
  }

  private listenUdp(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const sock = createSocket('udp4');
      sock.once('error', reject);
      sock.bind(port, '127.0.0.1', () => {
        sock.off('error', reject);
        sock.on('error', (err) => this.fail(`udp: ${err.message}`));
        sock.on('message', (msg, rinfo) =>
          this.accept(trimNewline(msg), 'udp', `${rinfo.address}:${rinfo.port}`),
        );
        this.udp = sock;
        resolve(sock.address().port);
      });
    });
  }

  private listenTcp(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((conn) => this.onConnection(conn));
      const max = this.config.maxConnections;
      this.connCounts = limitConnections(server, max, (refused) =>
        this.fail(
          `tcp: ${refused} connection(s) refused so far: ${max} were open (maxConnections ${max})`,
        ),
      );
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        server.on('error', (err) => this.fail(`tcp: ${err.message}`));
        this.tcp = server;
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  }

  private onConnection(conn: TcpSocket): void {
    this.conns.add(conn);
    const peer = `${conn.remoteAddress}:${conn.remotePort}`;
    let appended: Promise<void> | null = null;
    const framer = new SyslogFramer(this.config.maxMessageBytes, (msg, cut) => {
      appended = this.accept(msg, 'tcp', peer, cut);
    });
    conn.on('data', (chunk: Buffer) => {
      appended = null;
      try {
        framer.push(chunk);
      } catch (err) {
        this.fail(`tcp ${peer}: ${(err as Error).message}`);
        conn.destroy();
      }
      // Backpressure: the next read waits until this one's messages are in the log, so a
      // crash loses at most one read; the sender is held back by TCP meanwhile.
      if (appended) {
        conn.pause();
        void (appended as Promise<void>).then(() => conn.resume());
      }
    });
    conn.on('end', () => framer.end());
    conn.on('error', () => {});
    conn.on('close', () => this.conns.delete(conn));
    this.closeWhenIdle(conn, framer, peer);
  }

  /**
   * Closes `conn` once it has received nothing for idleTimeoutMs while it holds an unfinished
   * message or has not yet sent a whole one (a half-sent frame, or a connection opened only
   * to hold a slot). What it sent of a newline-framed message is kept, as when a connection
   * ends. A connection between messages stays: senders keep theirs open for hours.
   */
  private closeWhenIdle(conn: TcpSocket, framer: SyslogFramer, peer: string): void {
    const ms = this.config.idleTimeoutMs;
    conn.setTimeout(ms);
    conn.on('timeout', () => {
      // Paused: it waits for our own append, not for the client.
      if (conn.isPaused() || (framer.messages > 0 && !framer.holdsPartial())) {
        conn.setTimeout(ms); // re-armed: a timeout fires once per quiet spell
        return;
      }
      const why = framer.holdsPartial() ? 'an unfinished message' : 'no whole message yet';
      if (countIdleClose(this.connCounts!))
        this.fail(
          `tcp ${peer}: closed after ${ms} ms without data holding ${why} (idleTimeoutMs ${ms}); ${this.connCounts!.closedIdle} closed so far`,
        );
      framer.end();
      conn.destroy();
    });
  }

  /** Builds and queues the record of one message; resolves once it is appended (or failed). */
  private accept(
    msg: Buffer,
    transport: string,
    peer: string,
    cutFrom?: number,
  ): Promise<void> | null {
    if (msg.length === 0) return null;
    let text = msg;
    if (msg.length > this.config.maxMessageBytes) {
      cutFrom = msg.length;
      text = msg.subarray(0, this.config.maxMessageBytes);
    }
    const { record, parseError } = buildRecord(
      { text, cutFrom, invalid: 0 },
      {
        topic: this.config.topic,
        fixedHeaders: [
          fixedHeader(H.source, this.id),
          fixedHeader('logdock.transport', transport),
          fixedHeader('logdock.peer', peer),
        ],
        parser: this.parser,
        fields: 'headers',
        key: { type: 'none' },
        now: this.deps.clock(),
        timeFromLine: true,
        timezone: this.config.timezone,
      },
    );
    this.counters.lines++;
    if (cutFrom !== undefined) this.counters.cutLines++;
    if (parseError) this.counters.parseErrors++;
    return this.queue.push([record as ProduceRecord]);
  }
}

/** Where a newline-framed message ends: its LF, or a NUL (some senders end with NUL). */
function trailerIndex(buf: Buffer): number {
  const nl = buf.indexOf(0x0a);
  const nul = buf.indexOf(0);
  return nul >= 0 && (nl < 0 || nul < nl) ? nul : nl;
}

function trimNewline(msg: Buffer): Buffer {
  let end = msg.length;
  while (end > 0 && (msg[end - 1] === 0x0a || msg[end - 1] === 0x0d || msg[end - 1] === 0)) end--;
  return msg.subarray(0, end);
}

/**
 * RFC 6587 framing of a TCP stream. A frame starting with a digit is octet-counted
 * (`LEN SP MSG`); otherwise it runs up to LF (or NUL). Oversized messages are cut to
 * `max` bytes and the rest skipped; a malformed length throws.
 */
export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes of an oversized octet-counted message still to skip. */
  private skip = 0;
  /**
   * The head of an oversized newline-framed message and how many bytes it has had so far:
   * its rest is skipped up to the trailer, and it is emitted then, with its whole length
   * (else the rest would become messages of its own).
   */
  private long: { head: Buffer; length: number } | null = null;
  /**
   * The reads of a newline-framed message whose trailer has not come yet (none holds one),
   * kept apart and joined once: joining and rescanning the whole at every read cost 3 s of
   * the event loop per 16 MiB message (maxMessageBytes' highest), 106 ms for one read.
   */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /**
   * An octet-counted frame whose bytes have not all come: gathered into one buffer of its
   * length (at most `max`) instead of joining every read with what came before (2 s of the
   * event loop per 16 MiB frame). `length` is the declared count.
   */
  private frame: { buf: Buffer; filled: number; length: number } | null = null;
  /** Messages emitted so far. */
  messages = 0;
  private readonly emit: (msg: Buffer, cutFrom?: number) => void;

  constructor(
    private readonly max: number,
    emit: (msg: Buffer, cutFrom?: number) => void,
  ) {
    this.emit = (msg, cutFrom) => {
      this.messages++;
      emit(msg, cutFrom);
    };
  }

  /** Whether part of a message has arrived and its end not yet. */
  holdsPartial(): boolean {
    return (
      this.buf.length > 0 ||
      this.pendingLength > 0 ||
      this.frame !== null ||
      this.long !== null ||
      this.skip > 0
    );
  }

  push(chunk: Buffer): void {
    if (this.frame) {
      chunk = this.fillFrame(chunk);
      if (this.frame) return;
    }
    if (this.long) {
      chunk = this.skipLong(chunk);
      if (chunk.length === 0) return;
    }
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    if (this.pendingLength > 0) {
      if (!this.addPending(chunk)) return;
      chunk = Buffer.concat([...this.pending, chunk], this.pendingLength + chunk.length);
      this.pending = [];
      this.pendingLength = 0;
    }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length > 0) {
      const first = this.buf[0];
      if (first === 0x0a || first === 0x0d || first === 0x20) {
        this.buf = this.buf.subarray(1);
        continue;
      }
      if (first >= 0x30 && first <= 0x39) {
        const sp = this.buf.indexOf(0x20);
        if (sp < 0) {
          if (this.buf.length > 10) throw new Error('octet count longer than 10 digits');
          return;
        }
        const lenText = this.buf.subarray(0, sp).toString('latin1');
        if (!/^\d{1,10}$/.test(lenText))
          throw new Error(`malformed octet count "${lenText.slice(0, 20)}"`);
        const len = Number(lenText);
        const body = this.buf.subarray(sp + 1);
        if (body.length < Math.min(len, this.max)) {
          this.frame = { buf: Buffer.allocUnsafe(Math.min(len, this.max)), filled: 0, length: len };
          this.buf = Buffer.alloc(0);
          this.push(body);
          return;
        }
        if (len > this.max && body.length >= this.max) {
          this.emit(Buffer.from(body.subarray(0, this.max)), len);
          const have = Math.min(body.length, len);
          this.skip = len - have;
          this.buf = body.subarray(have);
          continue;
        }
        if (body.length < len) return;
        // rsyslog's omfwd counts the LF its templates end with into the frame; the LF is
        // no part of the message (as over UDP and with newline framing).
        this.emit(trimNewline(body.subarray(0, len)));
        this.buf = body.subarray(len);
        continue;
      }
      const nl = trailerIndex(this.buf);
      if (nl < 0) {
        if (this.buf.length > this.max) {
          this.long = { head: Buffer.from(this.buf.subarray(0, this.max)), length: 0 };
          const rest = this.skipLong(this.buf);
          this.buf = Buffer.alloc(0);
          if (rest.length > 0) this.push(rest);
        } else {
          this.pending = [this.buf];
          this.pendingLength = this.buf.length;
          this.buf = Buffer.alloc(0);
        }
        return;
      }
      this.emit(trimNewline(this.buf.subarray(0, nl)));
      this.buf = this.buf.subarray(nl + 1);
    }
  }

  /**
   * Copies a read into the gathered octet-counted frame; once it is whole, emits it (cut, and
   * the rest of an oversized one skipped) and returns what follows it.
   */
  private fillFrame(chunk: Buffer): Buffer {
    const f = this.frame!;
    const n = chunk.copy(f.buf, f.filled);
    f.filled += n;
    if (f.filled < f.buf.length) return Buffer.alloc(0);
    this.frame = null;
    if (f.length > f.buf.length) {
      this.emit(f.buf, f.length);
      this.skip = f.length - f.buf.length;
    } else this.emit(trimNewline(f.buf));
    return chunk.subarray(n);
  }

  /**
   * Adds a read to the pending newline-framed message when it holds no trailer (true when it
   * does: the caller joins them). Past `max` bytes the message becomes an oversized one.
   */
  private addPending(chunk: Buffer): boolean {
    if (trailerIndex(chunk) >= 0) return true;
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    if (this.pendingLength > this.max) {
      const whole = Buffer.concat(this.pending, this.pendingLength);
      this.long = { head: Buffer.from(whole.subarray(0, this.max)), length: whole.length };
      this.pending = [];
      this.pendingLength = 0;
    }
    return false;
  }

  /**
   * Counts the bytes of the oversized message up to its trailer; emits it once the trailer
   * is found and returns what follows (empty while the message goes on).
   */
  private skipLong(chunk: Buffer): Buffer {
    const long = this.long!;
    const nl = trailerIndex(chunk);
    if (nl < 0) {
      long.length += chunk.length;
      return Buffer.alloc(0);
    }
    this.long = null;
    this.emit(long.head, long.length + trimNewline(chunk.subarray(0, nl)).length);
    return chunk.subarray(nl + 1);
  }

  /** The connection ended: a final unterminated message is still a message. */
  end(): void {
    if (this.long) this.emit(this.long.head, this.long.length);
    this.long = null;
    if (this.pendingLength > 0)
      this.emit(trimNewline(Buffer.concat(this.pending, this.pendingLength)));
    this.pending = [];
    this.pendingLength = 0;
    this.frame = null; // an unfinished octet-counted frame is dropped, as its count promised more
    if (this.buf.length > 0 && !(this.buf[0] >= 0x30 && this.buf[0] <= 0x39))
      this.emit(trimNewline(this.buf));
    this.buf = Buffer.alloc(0);
  }
}
