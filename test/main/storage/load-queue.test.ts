import { describe, expect, it } from 'vitest';
import { LoadQueue } from '../../../src/main/storage/load-queue';
import { waitFor } from '../../wait';

/** A task that records its start and finishes when `finish` is called. */
function gatedTask(started: string[], name: string) {
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      started.push(name);
      await gate;
    },
    finish: () => finish(),
  };
}

describe('LoadQueue', () => {
  it('runs at most its limit at once, the others in the order queued as slots free up', async () => {
    const queue = new LoadQueue(2);
    const started: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((n) => gatedTask(started, n));
    const loads = tasks.map((t, i) => queue.schedule(`p-${i}`, t.task));
    await waitFor(() => started.length === 2, 'two tasks to start');
    expect(started).toEqual(['a', 'b']);
    tasks[1].finish();
    await loads[1].done;
    await waitFor(() => started.length === 3, 'the third task to start');
    expect(started).toEqual(['a', 'b', 'c']);
    for (const t of tasks) t.finish();
    await Promise.all(loads.map((l) => l.done));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('starts a hurried task at once, beside the full slots, and does not run it twice', async () => {
    const queue = new LoadQueue(1);
    const started: string[] = [];
    const tasks = ['a', 'b', 'c'].map((n) => gatedTask(started, n));
    const loads = tasks.map((t, i) => queue.schedule(`p-${i}`, t.task));
    await waitFor(() => started.length === 1, 'the first task to start');
    loads[2].hurry();
    await waitFor(() => started.length === 2, 'the hurried task to start');
    expect(started).toEqual(['a', 'c']);
    tasks[2].finish();
    await loads[2].done;
    // Its slot was never taken: the queue still waits for "a" before "b".
    expect(started).toEqual(['a', 'c']);
    tasks[0].finish();
    await waitFor(() => started.length === 3, 'the second task to start');
    loads[1].hurry();
    tasks[1].finish();
    await Promise.all(loads.map((l) => l.done));
    expect(started).toEqual(['a', 'c', 'b']);
  });

  it('drops a cancelled task that had not started, rejecting it with CLOSED, and refuses to cancel a started one', async () => {
    const queue = new LoadQueue(1);
    const started: string[] = [];
    const tasks = ['a', 'b', 'c'].map((n) => gatedTask(started, n));
    const loads = tasks.map((t, i) => queue.schedule(`p-${i}`, t.task));
    await waitFor(() => started.length === 1, 'the first task to start');
    expect(loads[1].cancel()).toBe(true);
    await expect(loads[1].done).rejects.toMatchObject({ code: 'CLOSED', message: /p-1/ });
    expect(loads[0].cancel()).toBe(false);
    tasks[0].finish();
    await waitFor(() => started.length === 2, 'the third task to start');
    tasks[2].finish();
    await Promise.all([loads[0].done, loads[2].done]);
    expect(started).toEqual(['a', 'c']);
  });

  it('passes on a failed task and frees its slot for the next', async () => {
    const queue = new LoadQueue(1);
    const failed = queue.schedule('bad-0', async () => {
      throw new Error('unreadable directory');
    });
    const next = queue.schedule('good-0', async () => undefined);
    await expect(failed.done).rejects.toThrow('unreadable directory');
    await expect(next.done).resolves.toBeUndefined();
  });
});
