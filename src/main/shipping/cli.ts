/**
 * The ships `logdock serve` is asked for: `--ship LOCAL_TOPIC=kafka://HOST:PORT/REMOTE_TOPIC`
 * (repeatable) and the `ship:` list of a `--config` file, validated before anything opens.
 */
import { resolve } from 'node:path';
import { LogdockError } from '../../common/errors';
import { parseShipSpec, type ShipConfig } from '../../common/shipping/config';
import { readConfigFile } from '../collectors/config-file';

/** @throws LogdockError INVALID_ARGUMENT (a --ship spec), NOT_FOUND / INVALID_CONFIG (the file). */
export async function serveShips(
  opts: { config?: string; ship?: string[] },
  cwd = process.cwd(),
): Promise<ShipConfig[]> {
  const out = opts.config ? (await readConfigFile(resolve(cwd, opts.config))).ship : [];
  for (const spec of opts.ship ?? []) {
    const parsed = parseShipSpec(spec);
    if (typeof parsed === 'string')
      throw new LogdockError('INVALID_ARGUMENT', `--ship ${spec}: ${parsed}`);
    out.push(parsed);
  }
  const topics = new Set<string>();
  for (const ship of out) {
    if (topics.has(ship.topic))
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `topic ${ship.topic} is shipped twice; one ship per local topic`,
      );
    topics.add(ship.topic);
  }
  return out;
}
