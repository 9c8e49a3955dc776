import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWhenScanSlotFree, scanSlotsInUse } from '../../../src/main/api/scan-slots';
import { waitFor } from '../../wait';
import { collect, fill, openInspectHarness, type InspectHarness } from './inspect-harness';

let h: InspectHarness;
beforeEach(async () => {
  h = await openInspectHarness();
});
afterEach(async () => {
  await h.close();
});

describe('scan slots', () => {
  it('runs at most eight of many searches opened at once, and every one of them completes', async () => {
    await h.broker.createTopic('logs', { partitions: 2 });
    for (let p = 0; p < 2; p++) {
      const items = Array.from({ length: 300 }, (_, i) => ({
        timestamp: 1_700_000_000_000 + i,
        value: i % 10 === 0 ? `needle ${p}/${i}` : `hay ${p}/${i}`,
      }));
      await fill(h.broker, 'logs', p, items);
    }
    let mostRunning = 0;
    let mostWaiting = 0;
    const sample = () => {
      const { running, waiting } = scanSlotsInUse();
      mostRunning = Math.max(mostRunning, running);
      mostWaiting = Math.max(mostWaiting, waiting);
    };
    const sampler = setInterval(sample, 1);
    try {
      // Before the fix every one of them scanned at once, each with read buffers of its own.
      const searches = Array.from({ length: 40 }, () =>
        collect(
          h.client,
          'messages.search',
          { topic: 'logs', query: { text: 'needle' }, maxResults: 1000 },
          (ev) => {
            sample();
            return ev.some((e) => e.type === 'done' || e.type === 'error');
          },
          60_000,
        ),
      );
      const results = await Promise.all(searches);
      for (const events of results) {
        expect(events.find((e) => e.type === 'done')).toMatchObject({ matched: 60 });
      }
    } finally {
      clearInterval(sampler);
    }
    expect(mostRunning).toBeLessThanOrEqual(8);
    expect(mostWaiting).toBeGreaterThan(0);
    // A slot is freed once the scan's promise settles, just after its last event.
    await waitFor(() => scanSlotsInUse().running === 0, 'every slot freed', { timeoutMs: 30_000 });
    expect(scanSlotsInUse()).toEqual({ running: 0, waiting: 0 });
  });

  it('drops a scan cancelled while it waits and starts the next one when a slot frees', async () => {
    const finish: (() => void)[] = [];
    const hold = () => new Promise<void>((resolve) => finish.push(resolve));
    for (let i = 0; i < 8; i++) runWhenScanSlotFree(new AbortController().signal, hold);
    const cancelled = new AbortController();
    let cancelledRan = false;
    runWhenScanSlotFree(cancelled.signal, async () => void (cancelledRan = true));
    let nextRan = false;
    runWhenScanSlotFree(new AbortController().signal, async () => void (nextRan = true));
    expect(scanSlotsInUse()).toEqual({ running: 8, waiting: 2 });
    cancelled.abort();
    expect(scanSlotsInUse()).toEqual({ running: 8, waiting: 1 });
    finish.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(nextRan).toBe(true);
    expect(cancelledRan).toBe(false);
    for (const f of finish.splice(0)) f();
    await new Promise((r) => setImmediate(r));
    expect(scanSlotsInUse()).toEqual({ running: 0, waiting: 0 });
  });

  it("gives a freed slot to the connection running the fewest scans, so one connection's queue does not hold up another's", async () => {
    const a = {}; // two connections' call contexts
    const b = {};
    const finish: (() => void)[] = [];
    const hold = () => new Promise<void>((resolve) => finish.push(resolve));
    const started: string[] = [];
    const scan = (name: string) => () => {
      started.push(name);
      return hold();
    };
    // A fills every slot and queues ten more; then B asks for one.
    for (let i = 0; i < 18; i++)
      runWhenScanSlotFree(new AbortController().signal, scan(`a${i}`), a);
    runWhenScanSlotFree(new AbortController().signal, scan('b0'), b);
    expect(scanSlotsInUse()).toEqual({ running: 8, waiting: 11 });
    // The first slot A frees goes to B (before: to A's ninth, B's after all eighteen).
    finish.shift()!();
    await waitFor(() => started.length === 9, 'a freed slot used');
    expect(started.at(-1)).toBe('b0');
    // Alone again, A gets every slot.
    finish.shift()!();
    await waitFor(() => started.length === 10, 'the next slot used');
    expect(started.at(-1)).toBe('a8');
    await waitFor(() => {
      for (const f of finish.splice(0)) f();
      const { running, waiting } = scanSlotsInUse();
      return running === 0 && waiting === 0;
    }, 'every scan to end');
    expect(scanSlotsInUse()).toEqual({ running: 0, waiting: 0 });
    expect(started).toHaveLength(19);
  });
});
