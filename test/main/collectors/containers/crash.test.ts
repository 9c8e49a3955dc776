/**
 * The collecting process is SIGKILLed at random points while a container's json-file log
 * is written fast and rotated the way Docker rotates it; after a last restart the topic
 * must hold every line exactly once.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { children, startChild, summarize } from '../fixtures/crash-harness';
import { killWhileCollecting } from '../fixtures/kill-loop';
import { openBroker, readAll, tempDir, waitFor } from '../helpers';
import { DockerContainer } from './docker-writer';
import { PodmanContainer } from './podman-writer';

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('containers source crash safety', () => {
  it.each(['docker', 'podman'] as const)(
    "keeps every line of a container exactly once across SIGKILLs during writes (%s; Docker's rotation too)",
    async (runtime) => {
      const { dir, cleanup } = await tempDir();
      const root = join(dir, 'containers');
      const dataDir = join(dir, 'data');
      // Rotated copies are kept long enough for the collector to finish them after a restart.
      const ctr =
        runtime === 'docker'
          ? new DockerContainer(root, 'busy', { keep: 50 })
          : new PodmanContainer(root, 'busy');
      const config = {
        type: 'containers',
        id: 'docker',
        topic: 'ctr',
        roots: runtime === 'docker' ? [root] : [],
        podmanRoots: runtime === 'podman' ? [root] : [],
        dockerSocket: '',
        podmanSocket: '',
        scanIntervalMs: 100,
      };
      const total = 8000;
      let seq = 0;
      let writing = true;
      const feeding = (async () => {
        while (writing && seq < total) {
          const n = Math.min(total - seq, 1 + Math.floor(Math.random() * 40));
          // Podman: some lines split into partial (P) parts.
          const lines = Array.from({ length: n }, () => `n${seq++}`);
          if (ctr instanceof PodmanContainer) ctr.write(lines, 'stdout', new Date(), 3);
          else ctr.write(lines);
          if (ctr instanceof DockerContainer && Math.random() < 0.03) ctr.rotate();
          await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * 3)));
        }
      })();
      try {
        await killWhileCollecting(dataDir, config, 3, total);
        await feeding;
        const last = startChild(dataDir, config);
        await last.ready;
        await waitFor(`all ${seq} lines`, () => last.end >= seq, 60_000).catch(() => {});
        last.proc.kill('SIGTERM');
        await last.exited;
        const broker = await openBroker(dataDir);
        try {
          const got = (await readAll(broker, 'ctr')).map((r) =>
            Number(r.value!.toString().slice(1)),
          );
          expect(got.length).toBe(seq);
          expect(summarize(got.sort((a, b) => a - b))).toEqual([`0-${seq - 1}`]);
        } finally {
          await broker.close();
        }
      } finally {
        writing = false;
        ctr.close();
        await cleanup();
      }
    },
    240_000,
  );
});
