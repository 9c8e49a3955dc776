/**
 * SendChain: a pump's appends in flight, waited for oldest first once `depth` are out, and
 * settled before a failed pump gives its position back.
 */
import { describe, expect, it } from 'vitest';
import { SendChain } from '../../../src/main/collectors/send-chain';

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SendChain', () => {
  it('lets depth - 1 appends run ahead and waits for the oldest at the depth', async () => {
    const chain = new SendChain(3);
    const sends = [deferred(), deferred(), deferred()];
    await chain.add(sends[0].promise);
    await chain.add(sends[1].promise);
    expect(chain.last).toBe(sends[1].promise);
    let third = false;
    const adding = chain.add(sends[2].promise).then(() => (third = true));
    // The third add waits for the first append, not for the second or third.
    sends[2].resolve();
    sends[1].resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(third).toBe(false);
    sends[0].resolve();
    await adding;
    expect(third).toBe(true);
    await chain.drain();
  });

  it("throws the oldest append's error from add and the latest's from drain", async () => {
    const chain = new SendChain(2);
    const first = deferred();
    await chain.add(first.promise);
    first.reject(new Error('disk full'));
    await expect(chain.add(Promise.resolve())).rejects.toThrow('disk full');
    const failed = new SendChain(4);
    await failed.add(Promise.reject(new Error('later')));
    await expect(failed.drain()).rejects.toThrow('later');
  });

  it('settles every append in flight without throwing, failed or not', async () => {
    const chain = new SendChain(8);
    const landed: number[] = [];
    const slow = deferred();
    await chain.add(slow.promise.then(() => void landed.push(0)));
    await chain.add(Promise.reject(new Error('gone')));
    await chain.add(Promise.resolve().then(() => void landed.push(2)));
    const settling = chain.settle();
    slow.resolve();
    await settling;
    expect(landed.sort()).toEqual([0, 2]);
  });
});
