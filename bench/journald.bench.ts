/**
 * journald source benchmark: entries/s from a genuine journal file (written by Debian's
 * systemd-journal-remote from export format, entries shaped like journald's own: 15
 * fields) into a topic, with the default `fields: headers` and with `fields: value`. In
 * the same run, the peers: `journalctl -o export` (what the source reads) and `-o json`
 * alone into /dev/null, and `-o export` into a pipe this process only reads (with the
 * source's 128 KiB stdout buffer): the ceiling of anything reading through journalctl.
 * Beside each figure, the CPU time of this process and of journalctl (its children's time
 * from /proc/self/stat): on a loaded machine wall time says little, CPU per entry says what
 * each side costs. BENCH_JOURNAL_ENTRIES sets the count.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../src/main/broker/broker';
import { LocalCluster } from '../src/main/cluster';
import { CollectorManager } from '../src/main/collectors';
import { bufferedStdoutEnv } from '../src/main/collectors/journald/stdout-buffer';
import { silentLogger } from '../src/main/logger';

const ENTRIES = Number(process.env.BENCH_JOURNAL_ENTRIES ?? 300_000);
const ROUNDS = Number(process.env.BENCH_JOURNAL_ROUNDS ?? 2);
const JOURNAL_REMOTE = '/lib/systemd/systemd-journal-remote';

function exportText(i: number): string {
  const unit = `worker-${i % 8}.service`;
  return (
    `__REALTIME_TIMESTAMP=${1_700_000_000_000_000 + i * 1000}\n__MONOTONIC_TIMESTAMP=${1_000_000 + i}\n` +
    `_BOOT_ID=0123456789abcdef0123456789abcdef\n_MACHINE_ID=fedcba9876543210fedcba9876543210\n` +
    `_HOSTNAME=ws-1\n_TRANSPORT=stdout\n_UID=1000\n_GID=1000\n_PID=${2000 + (i % 8)}\n` +
    `_COMM=worker\n_EXE=/usr/bin/worker\n_CMDLINE=/usr/bin/worker --id ${i % 8}\n` +
    `_SYSTEMD_UNIT=${unit}\nSYSLOG_IDENTIFIER=worker\nPRIORITY=${i % 8}\n` +
    `MESSAGE=request ${i} handled in ${i % 997} ms path=/api/v1/items\n\n`
  );
}

async function writeJournal(path: string): Promise<void> {
  const proc = spawn(JOURNAL_REMOTE, [`--output=${path}`, '-'], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const done = new Promise<void>((r) => proc.on('exit', () => r()));
  let buf = '';
  for (let i = 0; i < ENTRIES; i++) {
    buf += exportText(i);
    if (buf.length > 1 << 20) {
      if (!proc.stdin.write(buf))
        await new Promise<void>((r) => proc.stdin.once('drain', () => r()));
      buf = '';
    }
  }
  proc.stdin.end(buf);
  await done;
}

/** CPU ms so far of this process and of its children that have exited (journalctl). */
function cpuNow(): { self: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 10; // ms: USER_HZ is 100 on Linux
  const { user, system } = process.cpuUsage();
  return { self: (user + system) / 1000, children: (Number(f[13]) + Number(f[14])) * tick };
}

/**
 * Runs `fn`, prints its rate beside the CPU it and journalctl took. `settle` runs after the
 * clock stops and before CPU is read: a journalctl's time counts once it has been reaped.
 */
async function measure(
  name: string,
  fn: () => Promise<void>,
  settle: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const c0 = cpuNow();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  await settle();
  const c1 = cpuNow();
  const perEntry = (cpuMs: number) => ((cpuMs * 1000) / ENTRIES).toFixed(1).padStart(4);
  console.log(
    `${name.padEnd(44)} ${Math.round((ENTRIES / ms) * 1000)
      .toLocaleString('en-US')
      .padStart(9)} entries/s (${ENTRIES} in ${Math.round(ms)} ms; CPU µs/entry: ` +
      `node ${perEntry(c1.self - c0.self)}, journalctl ${perEntry(c1.children - c0.children)})`,
  );
}

function journalctlToNull(journals: string, output: string): Promise<void> {
  spawnSync('journalctl', [`--output=${output}`, '--no-pager', `--directory=${journals}`], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return Promise.resolve();
}

/** journalctl into a pipe whose bytes this process reads and drops. */
function journalctlToPipe(journals: string): Promise<void> {
  const child = spawn('journalctl', ['--output=export', '--no-pager', `--directory=${journals}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: bufferedStdoutEnv(),
  });
  child.stdout.on('data', () => {});
  return new Promise((r) => child.on('close', () => r()));
}

/** Measures a journald source reading `journals` into a fresh broker, from add to all stored. */
async function collect(journals: string, fields: 'headers' | 'value'): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `logdock-bench-journald-${fields}-`));
  const broker = await Broker.open({ dataDir, logger: silentLogger });
  const manager = new CollectorManager({
    cluster: new LocalCluster(broker),
    dataDir,
    defaultSource: false,
  });
  try {
    await manager.start();
    await measure(
      `journald source, fields: ${fields}`,
      async () => {
        await manager.add({
          type: 'journald',
          id: 'j',
          topic: 'journal',
          directory: journals,
          fields,
        });
        const end = () => broker.describeTopic('journal').partitions[0].logEndOffset;
        const deadline = Date.now() + 600_000;
        while (end() < ENTRIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        if (end() < ENTRIES)
          throw new Error(`only ${end()} of ${ENTRIES} entries after 10 minutes`);
      },
      () => manager.close(),
    );
  } finally {
    await manager.close();
    await broker.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  if (!existsSync(JOURNAL_REMOTE)) {
    console.log(`skipped: ${JOURNAL_REMOTE} is missing (apt-get install systemd-journal-remote)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'logdock-bench-journald-'));
  try {
    // journal-remote rotates its output at 64 MiB: read the directory, as journalctl -D does.
    const journals = join(dir, 'journals');
    mkdirSync(journals);
    await writeJournal(join(journals, 'bench.journal'));
    // Peers and source alternate, so a change of load shows as a change between rounds.
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round}`);
      await measure('journalctl -o export > /dev/null', () => journalctlToNull(journals, 'export'));
      await measure('journalctl -o export | read and drop', () => journalctlToPipe(journals));
      await collect(journals, 'headers');
      await collect(journals, 'value');
    }
    await measure('journalctl -o json > /dev/null', () => journalctlToNull(journals, 'json'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
