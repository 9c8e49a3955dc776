import { describe, expect, it } from 'vitest';
import { ReadAhead } from '../../../../src/main/collectors/journald/read-ahead';

const chunk = (i: number) => Buffer.alloc(64 * 1024, i);
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('ReadAhead', () => {
  it('scans every chunk in order, a slice per event-loop turn, so callbacks queued meanwhile run between slices', async () => {
    const scanned: number[] = [];
    const events: string[] = [];
    const ahead = new ReadAhead((c) => {
      scanned.push(c[0]);
      events.push(`scan ${c[0]}`);
    });
    for (let i = 0; i < 8; i++) ahead.push(chunk(i));
    expect(ahead.bytes).toBe(8 * 64 * 1024);
    // Nothing is scanned inside push: the caller goes back to reading at once.
    expect(scanned).toEqual([]);
    setImmediate(() => events.push('other callback'));
    while (ahead.bytes > 0) await turn();
    expect(scanned).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const other = events.indexOf('other callback');
    expect(other).toBeGreaterThan(0);
    expect(other).toBeLessThan(events.length - 1);
  });

  it('tells when everything pushed so far is scanned, and scans nothing of what was cleared', async () => {
    const scanned: number[] = [];
    const ahead = new ReadAhead((c) => scanned.push(c[0]));
    let told = -1;
    ahead.whenScanned(() => (told = scanned.length));
    expect(told).toBe(0);
    for (let i = 0; i < 5; i++) ahead.push(chunk(i));
    await new Promise<void>((r) => ahead.whenScanned(r));
    expect(scanned).toEqual([0, 1, 2, 3, 4]);
    expect(ahead.bytes).toBe(0);
    ahead.push(chunk(5));
    ahead.push(chunk(6));
    ahead.whenScanned(() => (told = -2));
    ahead.clear();
    expect(ahead.bytes).toBe(0);
    ahead.push(chunk(7));
    await new Promise<void>((r) => ahead.whenScanned(r));
    expect(scanned).toEqual([0, 1, 2, 3, 4, 7]);
    expect(told).toBe(0);
  });

  it('stops scanning the rest of a slice when a scan clears the queue (a failed journalctl)', async () => {
    const scanned: number[] = [];
    const ahead = new ReadAhead((c) => {
      scanned.push(c[0]);
      if (c[0] === 1) ahead.clear();
    });
    for (let i = 0; i < 4; i++) ahead.push(Buffer.alloc(16, i));
    await turn();
    await turn();
    expect(scanned).toEqual([0, 1]);
    expect(ahead.bytes).toBe(0);
  });

  it('keeps scanning in order while chunks keep coming faster than one slice', async () => {
    const scanned: number[] = [];
    const ahead = new ReadAhead((c) => scanned.push(c.readUInt32LE(0)));
    let next = 0;
    for (let round = 0; round < 400; round++) {
      for (let i = 0; i < 3; i++) {
        const c = Buffer.alloc(64 * 1024);
        c.writeUInt32LE(next++, 0);
        ahead.push(c);
      }
      await turn();
    }
    await new Promise<void>((r) => ahead.whenScanned(r));
    expect(scanned).toEqual(Array.from({ length: next }, (_, i) => i));
  });
});
