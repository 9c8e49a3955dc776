/**
 * journald source benchmark: entries/s from a genuine journal file (written by Debian's
 * systemd-journal-remote from export format, entries shaped like journald's own: 15
 * fields) into a topic, with the default `fields: headers` and with `fields: value`. In
 * the same run, `journalctl -o export` (what the source reads) and `-o json` alone reading
 * the files into /dev/null: the ceiling of anything reading through journalctl. BENCH_JOURNAL_ENTRIES sets the count.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker } from '../src/main/broker/broker';
import { LocalCluster } from '../src/main/cluster';
import { CollectorManager } from '../src/main/collectors';
import { silentLogger } from '../src/main/logger';

const ENTRIES = Number(process.env.BENCH_JOURNAL_ENTRIES ?? 300_000);
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

function rate(ms: number): string {
  return `${Math.round((ENTRIES / ms) * 1000)
    .toLocaleString('en-US')
    .padStart(9)} entries/s (${ENTRIES} in ${Math.round(ms)} ms)`;
}

async function collect(
  dir: string,
  journals: string,
  fields: 'headers' | 'value',
): Promise<number> {
  const dataDir = join(dir, `data-${fields}`);
  const broker = await Broker.open({ dataDir, logger: silentLogger });
  const manager = new CollectorManager({
    cluster: new LocalCluster(broker),
    dataDir,
    defaultSource: false,
  });
  try {
    await manager.start();
    const start = performance.now();
    await manager.add({ type: 'journald', id: 'j', topic: 'journal', directory: journals, fields });
    const end = () => broker.describeTopic('journal').partitions[0].logEndOffset;
    const deadline = Date.now() + 600_000;
    while (end() < ENTRIES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (end() < ENTRIES) throw new Error(`only ${end()} of ${ENTRIES} entries after 10 minutes`);
    return performance.now() - start;
  } finally {
    await manager.close();
    await broker.close();
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
    for (const output of ['export', 'json']) {
      const t0 = performance.now();
      spawnSync(
        'journalctl',
        [`--output=${output}`, '--all', '--no-pager', `--directory=${journals}`],
        {
          stdio: ['ignore', 'ignore', 'ignore'],
        },
      );
      console.log(
        `${`journalctl -o ${output} > /dev/null`.padEnd(40)} ${rate(performance.now() - t0)}`,
      );
    }
    console.log(
      `${'journald source, fields: headers'.padEnd(40)} ${rate(await collect(dir, journals, 'headers'))}`,
    );
    console.log(
      `${'journald source, fields: value'.padEnd(40)} ${rate(await collect(dir, journals, 'value'))}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
