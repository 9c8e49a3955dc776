/**
 * `npm run bench latency`: produce -> consume latency through a spawned `logdock serve`, quiet
 * and while its file collector ingests (fixtures/serve-latency.ts). BENCH_LATENCY_CLIS
 * (comma-separated CLI scripts, e.g. another build's out/main/cli.js beside bin/logdock.mjs)
 * alternates builds round by round for a before/after in one run; BENCH_ROUNDS rounds
 * (default 1); BENCH_SERVE_NODE_ARGS passes Node options to the server (e.g. --trace-gc),
 * BENCH_SERVE_WRAP a command to run it under (e.g. strace).
 * It prints figures and asserts nothing.
 */
import { describeLatency, measureServeLatency } from './fixtures/serve-latency';

export async function run(): Promise<void> {
  const clis = (process.env.BENCH_LATENCY_CLIS ?? '').split(',').filter(Boolean);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const wrap = (process.env.BENCH_SERVE_WRAP ?? '').split(' ').filter(Boolean);
  for (let round = 1; round <= rounds; round++) {
    for (const cli of clis.length > 0 ? clis : [undefined]) {
      const { quiet, loaded } = await measureServeLatency({ cli, nodeArgs, wrap });
      const name = cli ?? 'bin/logdock.mjs';
      console.log(
        `#${round} ${name}\n  quiet:  ${describeLatency(quiet)}\n  loaded: ${describeLatency(loaded)}`,
      );
    }
  }
}
