import { InvalidArgumentError } from 'commander';

/** Commander parser for `--http-port` and similar: an integer in 0..65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`);
  }
  return port;
}

/** Commander parser for `--num-partitions`: an integer in 1..10000 (Logdock's partition limit). */
export function parsePartitionCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 10_000) {
    throw new InvalidArgumentError(`expected a partition count 1-10000, got "${value}"`);
  }
  return n;
}
