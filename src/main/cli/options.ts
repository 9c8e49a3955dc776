import { InvalidArgumentError } from 'commander';

/** Commander parser for `--http-port` and similar: an integer in 0..65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`);
  }
  return port;
}
