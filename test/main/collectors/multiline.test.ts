import { describe, expect, it } from 'vitest';
import { multilineSchema } from '../../../src/common/collectors/config';
import { LineSplitter } from '../../../src/main/collectors/lines';
import { MultilineJoiner } from '../../../src/main/collectors/multiline';

function events(config: unknown, text: string) {
  const joiner = new MultilineJoiner(multilineSchema.parse(config));
  const s = new LineSplitter('utf8', 1 << 20);
  const out = s.push(Buffer.from(text)).flatMap((l) => joiner.push(l));
  return { out: out.map((e) => e.text.toString()), joiner, events: out };
}

describe('MultilineJoiner', () => {
  it('joins a Java stack trace to the line that began it', () => {
    const { out, joiner } = events(
      { preset: 'java' },
      'ERROR boom\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n\t... 2 more\nCaused by: y\n\tat d.E.f(E.java:2)\nINFO next\nINFO last\n',
    );
    // The preset treats an exception line as a new start; its frames join it.
    expect(out).toEqual([
      'ERROR boom',
      'java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n\t... 2 more\nCaused by: y\n\tat d.E.f(E.java:2)',
      'INFO next',
    ]);
    expect(joiner.flush()?.text.toString()).toBe('INFO last');
  });

  it('joins a Python traceback including its final exception line', () => {
    const { out } = events(
      { preset: 'python' },
      'ERROR failed\nTraceback (most recent call last):\n  File "a.py", line 1, in <module>\n    f()\nValueError: bad\nINFO ok\n',
    );
    expect(out).toEqual([
      'ERROR failed\nTraceback (most recent call last):\n  File "a.py", line 1, in <module>\n    f()\nValueError: bad',
    ]);
  });

  it('joins a Go panic with its goroutine dump', () => {
    const { out } = events(
      { preset: 'go' },
      'panic: oops\n\ngoroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d\nexit status 2\nlevel=info msg=next\nx\n',
    );
    expect(out[0]).toBe(
      'panic: oops\n\ngoroutine 1 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d\nexit status 2',
    );
  });

  it('starts events at a start pattern and keeps the byte range of the whole event', () => {
    const { events: evs, joiner } = events(
      { mode: 'start', pattern: '^\\d{4}-' },
      '2024-01 a\n b\n c\n2024-02 d\n e\n',
    );
    expect(evs.map((e) => [e.text.toString(), e.start, e.end, e.lines])).toEqual([
      ['2024-01 a\n b\n c', 0, 16, 3],
    ]);
    expect(joiner.pendingStart).toBe(16);
  });

  it('ends an event at its line limit and at its byte limit', () => {
    expect(
      events({ mode: 'start', pattern: '^S', maxLines: 2 }, 'S1\n a\n b\n c\nS2\n').out,
    ).toEqual(['S1\n a', ' b\n c']);
    expect(
      events({ mode: 'start', pattern: '^S', maxBytes: 8 }, 'S1\n aaaa\n bbbb\nS2\n').out,
    ).toEqual(['S1\n aaaa', ' bbbb']);
  });

  it('rejects a config with neither pattern nor preset', () => {
    expect(() => multilineSchema.parse({ mode: 'start' })).toThrow(/pattern/);
  });
});
