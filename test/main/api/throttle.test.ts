import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttled } from '../../../src/main/api/throttle';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('throttled', () => {
  it('sends once for a burst, at once after a quiet spell and then at most once per gap', () => {
    const send = vi.fn();
    const { schedule } = throttled(send, 1000);
    schedule();
    schedule();
    vi.advanceTimersByTime(0);
    expect(send).toHaveBeenCalledTimes(1);
    schedule();
    vi.advanceTimersByTime(999);
    expect(send).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it('drops a pending send when cancelled', () => {
    const send = vi.fn();
    const { schedule, cancel } = throttled(send, 1000);
    schedule();
    cancel();
    vi.advanceTimersByTime(5000);
    expect(send).not.toHaveBeenCalled();
  });
});
