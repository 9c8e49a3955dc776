/**
 * The forwarder's checkpoint, `<dataDir>/shipping/<local topic>.json` (format:
 * docs/format/ship-checkpoint.md): per local partition, the next local offset to forward and
 * where on the remote topic the records after it start. Written atomically (temporary file,
 * fsync, rename) at most once a second and at close, so it may lag what the remote topic
 * holds; the forwarder never trusts it alone: on start it reads the remote topic from
 * `remoteNext` on (./resume.ts). A malformed file is reported and treated as absent.
 */
import { z } from 'zod';
import { finishInterruptedWrite, readFileIfExists, writeFileAtomic } from '../fs/atomic-file';
import type { Logger } from '../logger';

export const SHIP_CHECKPOINT_VERSION = 1;

const offset = z.number().int().min(0);

const positionSchema = z
  .object({
    /** The next local offset to forward: every record before it is on the remote topic. */
    next: offset,
    /** The remote partition this local partition's records go to. */
    remotePartition: z.number().int().min(0),
    /** The remote offset after the last record forwarded from this local partition. */
    remoteNext: offset,
  })
  .strict();

const checkpointSchema = z
  .object({
    version: z.literal(SHIP_CHECKPOINT_VERSION),
    topic: z.string(),
    to: z.string(),
    origin: z.string(),
    partitions: z.record(z.string().regex(/^\d{1,9}$/), positionSchema),
  })
  .strict();

export type ShipPosition = z.infer<typeof positionSchema>;
export type ShipCheckpoint = z.infer<typeof checkpointSchema>;

function parse(text: string): ShipCheckpoint {
  return checkpointSchema.parse(JSON.parse(text));
}

/**
 * The checkpoint at `path`, or null when there is none, it is malformed (logged), or it was
 * written for another target (`to`) or origin: then forwarding starts over for the new one.
 */
export async function readShipCheckpoint(
  path: string,
  expected: { topic: string; to: string; origin: string },
  logger: Logger,
): Promise<ShipCheckpoint | null> {
  await finishInterruptedWrite(path, parse);
  const text = await readFileIfExists(path);
  if (text === null) return null;
  let checkpoint: ShipCheckpoint;
  try {
    checkpoint = parse(text);
  } catch (err) {
    logger.warn(
      `ignoring malformed ship checkpoint ${path}: ${(err as Error).message.slice(0, 300)}`,
    );
    return null;
  }
  if (
    checkpoint.topic !== expected.topic ||
    checkpoint.to !== expected.to ||
    checkpoint.origin !== expected.origin
  ) {
    logger.info(
      `ship checkpoint ${path} is for ${checkpoint.to}, not ${expected.to}: starting over`,
    );
    return null;
  }
  return checkpoint;
}

export async function writeShipCheckpoint(path: string, checkpoint: ShipCheckpoint): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(checkpoint) + '\n');
}
