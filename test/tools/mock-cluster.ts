/**
 * A Kafka cluster of several brokers for tests: librdkafka's mock cluster run by
 * test/tools/mock-cluster.c (see docs/clusters.md, Test peers). `startMockCluster()` builds the
 * tool when its binary is missing or older than its source, starts it, and returns the
 * bootstrap servers and a `command()` that moves leaders and takes brokers down.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '..', '..');
/** What the binary is built from: a newer one of these means a rebuild. */
const sources = [
  'mock-cluster.c',
  'build-mock-cluster.sh',
  'build-librdkafka.sh',
  'librdkafka-mock.patch',
].map((name) => join(root, 'test', 'tools', name));
const binary = join(root, 'test-artifacts', 'tools', 'mock-cluster');

export interface MockCluster {
  /** `host:port,host:port,...` of every broker. */
  readonly bootstrap: string;
  /**
   * Sends one command (`create T 3 3`, `leader T 0 2`, `down 1`, `up 1`, `rtt 2 100`) and
   * waits for its answer; rejects with the tool's reason when it answers `error …`.
   */
  command(line: string): Promise<void>;
  /** Stops the cluster (closes its stdin) and waits for the process to end. */
  close(): Promise<void>;
}

/** Builds the tool (and its librdkafka, once) unless an up-to-date binary exists. */
export async function buildMockCluster(): Promise<string> {
  const [bin, ...srcs] = await Promise.all([
    stat(binary).catch(() => null),
    ...sources.map((s) => stat(s)),
  ]);
  if (!bin || srcs.some((src) => bin.mtimeMs < src.mtimeMs)) {
    await promisify(execFile)('bash', [join(root, 'test', 'tools', 'build-mock-cluster.sh')]);
  }
  return binary;
}

/** Starts a mock cluster of `brokers` brokers (ids 1..brokers) on loopback ports. */
export async function startMockCluster(brokers = 3): Promise<MockCluster> {
  const child = spawn(await buildMockCluster(), [String(brokers)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      void exited.then(() => reject(new Error('mock-cluster exited')));
    });
  const first = await nextLine();
  if (!first.startsWith('bootstrap ')) {
    child.kill('SIGKILL');
    throw new Error(`mock-cluster printed ${first}`);
  }
  let queue = Promise.resolve();
  return {
    bootstrap: first.slice('bootstrap '.length),
    command(line) {
      // One command at a time: answers come back in order, one line each.
      const run = queue.then(async () => {
        const answer = nextLine();
        child.stdin!.write(`${line}\n`);
        const text = await answer;
        if (text !== 'ok') throw new Error(`mock-cluster: ${line}: ${text}`);
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      child.stdin!.end();
      await Promise.race([exited, killAfter(child, 5_000)]);
      await exited;
    },
  };
}

function killAfter(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    timer.unref();
  });
}
