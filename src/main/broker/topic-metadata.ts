import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LogdockError } from '../../common/errors';
import type { TopicConfigs } from './api';
import { isTopicConfigKey } from './topic-configs';

/**
 * The broker's topic catalogue, `<dataDir>/topics.json` (spec: docs/format/topic-metadata.md):
 *
 *   { "version": 1, "topics": [ { "name", "topicId", "partitions", "createdAt",
 *                                 "configs": { <overridden Kafka config>: value } } ] }
 *
 * Written atomically: a temporary file is written and fsynced, renamed over the old one, and
 * the directory fsynced, so a crash leaves either the old or the new catalogue, never a mix.
 */
export const TOPICS_FILE = 'topics.json';
const VERSION = 1;

export interface TopicMeta {
  name: string;
  topicId: string;
  partitions: number;
  createdAt: number;
  /** Only the configs set for this topic; the rest follow the broker defaults. */
  configs: Partial<TopicConfigs>;
}

function parse(text: string, path: string): TopicMeta[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new LogdockError('CORRUPT_FILE', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const d = doc as { version?: unknown; topics?: unknown };
  if (!d || d.version !== VERSION || !Array.isArray(d.topics)) {
    throw new LogdockError(
      'CORRUPT_FILE',
      `${path}: expected {"version": ${VERSION}, "topics": [...]}`,
    );
  }
  return d.topics.map((t: unknown, i: number) => {
    const x = t as Partial<TopicMeta>;
    if (
      !x ||
      typeof x.name !== 'string' ||
      !Number.isInteger(x.partitions) ||
      (x.partitions as number) < 1 ||
      typeof x.configs !== 'object' ||
      x.configs === null
    ) {
      throw new LogdockError(
        'CORRUPT_FILE',
        `${path}: topics[${i}] lacks a name, a partition count or configs`,
      );
    }
    for (const key of Object.keys(x.configs)) {
      if (!isTopicConfigKey(key))
        throw new LogdockError(
          'CORRUPT_FILE',
          `${path}: topic ${x.name} has unknown config ${key}`,
        );
    }
    return {
      name: x.name,
      topicId: typeof x.topicId === 'string' ? x.topicId : randomUUID(),
      partitions: x.partitions as number,
      createdAt: typeof x.createdAt === 'number' ? x.createdAt : 0,
      configs: x.configs,
    };
  });
}

/**
 * Reads the catalogue; null when there is none yet. A leftover temporary file that parses
 * completely is a write that finished but was not yet renamed, so it wins (and is renamed);
 * one that does not parse was cut short and is removed. Throws CORRUPT_FILE.
 */
export async function readTopicMetadata(dataDir: string): Promise<TopicMeta[] | null> {
  const path = join(dataDir, TOPICS_FILE);
  const tmp = `${path}.tmp`;
  const tmpText = await readFile(tmp, 'utf8').catch(() => null);
  if (tmpText !== null) {
    try {
      const topics = parse(tmpText, tmp);
      await rename(tmp, path);
      return topics;
    } catch {
      await rm(tmp, { force: true });
    }
  }
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new LogdockError('IO_ERROR', `cannot read ${path}: ${err.message}`);
  });
  return text === null ? null : parse(text, path);
}

/** Replaces the catalogue atomically (see above). Callers serialise their writes. */
export async function writeTopicMetadata(dataDir: string, topics: TopicMeta[]): Promise<void> {
  const path = join(dataDir, TOPICS_FILE);
  const tmp = `${path}.tmp`;
  const body = JSON.stringify({ version: VERSION, topics }, null, 2) + '\n';
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(body);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  // The rename itself is durable only once the directory entry is.
  const dir = await open(dataDir, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
