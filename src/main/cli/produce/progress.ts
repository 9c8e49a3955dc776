/**
 * A progress line on stderr (`123,456 lines sent, 98,765/s`), redrawn every 250 ms, only
 * when stderr is a terminal: piped or captured output gets the final summary alone.
 */
export function progressLine(
  what: () => number,
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): { stop(): void } {
  if (!stream.isTTY) return { stop() {} };
  const started = Date.now();
  const draw = () => {
    const n = what();
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    stream.write(
      `\r${n.toLocaleString('en-US')} ${label}, ${Math.round(n / seconds).toLocaleString('en-US')}/s `,
    );
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      draw();
      stream.write('\n');
    },
  };
}
