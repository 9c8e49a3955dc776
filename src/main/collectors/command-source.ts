/**
 * A command source: runs a service (command, arguments, environment, working directory)
 * and collects its stdout and stderr into a topic, each record with a `logdock.stream`
 * header. When the process exits, a record with `logdock.event: exit` and
 * `logdock.exit-code` (or the signal) is produced, and the restart policy decides whether
 * it runs again after `restartDelayMs`. Each read from a pipe waits until the lines of the
 * previous one are appended, which in turn blocks the child's writes (the pipe is the buffer).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { CommandSourceConfig } from '../../common/collectors/config';
import { createParser } from './parsers';
import { QueuedSource } from './queued-source';
import { H, fixedHeader } from './record';
import type { Source, SourceStatus } from './status';
import { StreamLines } from './stream-lines';
import { clusterLineLimit } from './line-limit';
import { ensureTopic } from './topic';

const KILL_GRACE_MS = 5000;

export class CommandSource extends QueuedSource<CommandSourceConfig> implements Source {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private restartTimer: NodeJS.Timeout | null = null;
  private closing = false;
  private closed: Promise<void> | null = null;
  private restarts = 0;
  private lastExitCode: number | null = null;
  private lastSignal: string | null = null;
  /** The config's maxLineBytes, lowered so that a line's record fits the topic. */
  private maxLineBytes = 0;

  /** Creates the topic and starts the process. @throws LogdockError for a bad topic. */
  async start(): Promise<void> {
    await ensureTopic(this.deps.cluster, this.config.topic);
    const { maxLineBytes, topic } = this.config;
    this.maxLineBytes = await clusterLineLimit(this.deps.cluster, topic, maxLineBytes);
    this.state = 'running';
    this.run();
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for its output to be sent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closing = true;
      if (this.restartTimer) clearTimeout(this.restartTimer);
      const child = this.child;
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        await this.exited;
        clearTimeout(timer);
      }
      // Also when it had exited already: its output may still be in the pipes (they are
      // paused while an append runs); `exited` comes once they are read to their end.
      await this.exited;
      await this.queue.idle();
      this.state = 'stopped';
    })();
    return this.closed;
  }

  status(): SourceStatus {
    const pid =
      this.child?.exitCode === null && this.child.signalCode === null
        ? (this.child.pid ?? null)
        : null;
    const detail =
      pid !== null
        ? `pid ${pid}`
        : this.lastExitCode !== null
          ? `exited with code ${this.lastExitCode}`
          : this.lastSignal
            ? `killed by ${this.lastSignal}`
            : null;
    return {
      ...this.baseStatus('command', detail),
      command: {
        pid,
        restarts: this.restarts,
        lastExitCode: this.lastExitCode,
        lastSignal: this.lastSignal,
      },
    };
  }

  private run(): void {
    if (this.closing) return;
    const { config } = this;
    const parser = createParser(config.parser, config.timezone);
    let child: ChildProcess;
    try {
      child = spawn(config.command, config.args, {
        cwd: config.cwd,
        env: { ...process.env, ...config.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      this.onExit(null, null, (err as Error).message);
      return;
    }
    this.child = child;
    let resolveExit!: () => void;
    this.exited = new Promise((r) => (resolveExit = r));
    const streams = [
      this.pipe(child.stdout!, 'stdout', parser),
      this.pipe(child.stderr!, 'stderr', parser),
    ];
    let spawnError: string | null = null;
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code, signal) => {
      for (const s of streams) this.queue.push(s.end());
      this.onExit(code, signal, spawnError);
      resolveExit();
    });
    this.log.info(`started ${config.command} (pid ${child.pid ?? 'none'})`);
  }

  private pipe(
    stream: Readable,
    name: 'stdout' | 'stderr',
    parser: ReturnType<typeof createParser>,
  ): StreamLines {
    const lines = new StreamLines(
      this.config.topic,
      { ...this.config, maxLineBytes: this.maxLineBytes },
      parser,
      [fixedHeader(H.source, this.id), fixedHeader(H.stream, name)],
      this.counters,
      this.deps.clock,
    );
    stream.on('data', (chunk: Buffer) => {
      const records = lines.push(chunk);
      if (records.length === 0) return;
      // The next read waits until this one's lines are in the log: a crash loses at most
      // one read, and the child's writes block on the pipe meanwhile (backpressure).
      stream.pause();
      void this.queue.push(records).then(() => stream.resume());
    });
    return lines;
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, error: string | null): void {
    this.child = null;
    this.lastExitCode = code;
    this.lastSignal = signal;
    if (error) this.fail(`${this.config.command}: ${error}`);
    const what = error
      ? `failed to start: ${error}`
      : signal
        ? `killed by ${signal}`
        : `exited with code ${code}`;
    const headers = [fixedHeader(H.source, this.id), fixedHeader(H.event, 'exit')];
    if (code !== null) headers.push(fixedHeader(H.exitCode, String(code)));
    if (signal) headers.push(fixedHeader('logdock.signal', signal));
    this.queue.push([
      {
        topic: this.config.topic,
        key: null,
        value: Buffer.from(`${this.config.command} ${what}`),
        headers,
        timestamp: this.deps.clock(),
      },
    ]);
    if (this.closing) return;
    const failed = error !== null || signal !== null || code !== 0;
    const again =
      this.config.restart === 'always' || (this.config.restart === 'on-failure' && failed);
    this.log.info(
      `${this.config.command} ${what}${again ? `; restarting in ${this.config.restartDelayMs} ms` : ''}`,
    );
    if (!again) {
      this.state = failed ? 'failed' : 'stopped';
      return;
    }
    this.restarts++;
    this.restartTimer = setTimeout(() => this.run(), this.config.restartDelayMs);
    this.restartTimer.unref();
  }
}
