import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LogdockError } from '../../common/errors';
import { finishInterruptedWrite, writeFileAtomic } from '../fs/atomic-file';
import type { TopicConfigs } from './api';
import type { Logger } from '../logger';
import { isTopicConfigKey } from '../kafka/topic-configs';
import { validateTopicName } from './topic-names';

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
  await finishInterruptedWrite(path, parse);
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new LogdockError('IO_ERROR', `cannot read ${path}: ${err.message}`);
  });
  return text === null ? null : parse(text, path);
}

/** Replaces the catalogue atomically (see above). Callers serialise their writes. */
export async function writeTopicMetadata(dataDir: string, topics: TopicMeta[]): Promise<void> {
  const body = JSON.stringify({ version: VERSION, topics }, null, 2) + '\n';
  await writeFileAtomic(join(dataDir, TOPICS_FILE), body);
}

/** Partition directories `<valid topic name>-<n>` in the data directory. */
async function partitionDirs(
  dataDir: string,
): Promise<{ dir: string; topic: string; partition: number }[]> {
  const out: { dir: string; topic: string; partition: number }[] = [];
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    const m = /^(.+)-(\d+)$/.exec(entry.name);
    if (!entry.isDirectory() || !m) continue;
    try {
      validateTopicName(m[1]);
    } catch {
      continue;
    }
    out.push({ dir: entry.name, topic: m[1], partition: Number(m[2]) });
  }
  return out;
}

/**
 * Without a catalogue (a new data directory, or one some other tool filled with partition
 * directories): the topics those directories imply, with default configs
 * (`__consumer_offsets` compacted).
 */
export async function discoverTopics(
  dataDir: string,
  now: number,
  logger: Logger,
): Promise<TopicMeta[]> {
  const counts = new Map<string, number>();
  for (const { topic, partition } of await partitionDirs(dataDir)) {
    counts.set(topic, Math.max(counts.get(topic) ?? 0, partition + 1));
  }
  if (counts.size > 0)
    logger.warn(`no ${dataDir}/${TOPICS_FILE}; rebuilt the topic list from partition directories`);
  return [...counts].map(([name, partitions]) => ({
    name,
    topicId: randomUUID(),
    partitions,
    createdAt: now,
    configs: name === '__consumer_offsets' ? { 'cleanup.policy': 'compact' } : {},
  }));
}

/**
 * Removes partition directories the catalogue does not cover (`partitionCounts`): leftovers
 * of a create or delete interrupted by a crash (see the write order above). Only what is
 * recognisably a partition — segment files, or nothing at all — is removed.
 */
export async function removeOrphans(
  dataDir: string,
  partitionCounts: Map<string, number>,
  logger: Logger,
): Promise<void> {
  for (const { dir, topic, partition } of await partitionDirs(dataDir)) {
    if (partition < (partitionCounts.get(topic) ?? 0)) continue;
    const files = await readdir(join(dataDir, dir));
    if (files.length > 0 && !files.some((f) => /^\d{20}\.log$/.test(f))) continue;
    logger.warn(
      `removing ${dir}: its topic is not in ${TOPICS_FILE} (interrupted delete or create)`,
    );
    await rm(join(dataDir, dir), { recursive: true, force: true });
  }
}
