import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../src/main/transport/encode-frame';

describe('encodeFrame', () => {
  it('refuses a frame longer than the limit with MESSAGE_TOO_LARGE naming its length', () => {
    const frame = encodeFrame({ t: 'event', id: 1, event: 'x'.repeat(100) }, 64, 'messages.tail');
    expect(frame).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_LARGE' } });
    expect(!frame.ok && frame.error.message).toMatch(
      /^messages\.tail: the answer is 131 characters, over the 64/,
    );
    expect(encodeFrame({ t: 'ready' }, 64, 'x')).toEqual({ ok: true, text: '{"t":"ready"}' });
  });

  it('answers INTERNAL for a value JSON cannot hold, and MESSAGE_TOO_LARGE when V8 cannot hold the string', () => {
    // A handler bug: a bigint in a result.
    expect(
      encodeFrame({ t: 'result', id: 1, ok: true, result: 1n }, 1e6, 'topics.list'),
    ).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    // What JSON.stringify throws past 2^29 characters (too costly to build in a test).
    const huge = {
      toJSON: () => {
        throw new RangeError('Invalid string length');
      },
    };
    expect(
      encodeFrame({ t: 'result', id: 1, ok: true, result: huge }, 1e6, 'messages.window'),
    ).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_TOO_LARGE' },
    });
  });
});
