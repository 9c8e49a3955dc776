import type { messagesRequests } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import { locate } from '../browse/locate';
import { selectPartitions } from '../browse/partitions';
import { detectLevel, makePreview } from '../browse/preview';
import { readWindow } from '../browse/window';
import type { Cluster } from '../cluster';
import { finishedExportPath } from '../export/files';
import { checkQuery } from '../search/query';
import type { StoredRecord } from '../storage/api';
import type { CallContext, HandlersFor } from './dispatcher';

export interface MessagesDeps {
  cluster: Cluster;
  dataDir: string;
}

/** Handlers of the `messages.*` requests: the message browser, detail and produce. */
export function createMessagesHandlers({
  cluster,
  dataDir,
}: MessagesDeps): HandlersFor<typeof messagesRequests> {
  return {
    'messages.window': ({ topic, partitions, start, count, previewBytes }) =>
      readWindow(cluster, topic, partitions, start, count, previewBytes),
    'messages.locate': ({ topic, partitions, target }) =>
      locate(cluster, topic, partitions, target),
    'messages.get': async ({ topic, partition, offset, previewBytes }) => {
      const record = await readOne(cluster, topic, partition, offset);
      const value = makePreview(record.value, previewBytes);
      return {
        partition,
        offset: record.offset,
        timestamp: record.timestamp,
        timestampType: (await cluster.describeTopic(topic)).configs['message.timestamp.type'],
        key: makePreview(record.key, previewBytes),
        value,
        headers: record.headers.map((h) => ({
          key: h.key,
          value: makePreview(h.value, previewBytes),
        })),
        level: detectLevel(record),
        json: value !== null && !value.truncated && !value.binary && isJsonContainer(value.text),
      };
    },
    'messages.chunk': async ({ topic, partition, offset, field, start, length, encoding }) => {
      const record = await readOne(cluster, topic, partition, offset);
      const buf = record[field] ?? Buffer.alloc(0);
      const from = Math.min(start, buf.length);
      let end = Math.min(buf.length, from + length);
      // Text chunks end on a character boundary; the next chunk starts at `end`.
      if (encoding === 'utf8' && end < buf.length) end = utf8Boundary(buf, from, end);
      const slice = buf.subarray(from, end);
      return {
        data: encoding === 'utf8' ? slice.toString('utf8') : slice.toString('base64'),
        start: from,
        end,
        totalBytes: buf.length,
      };
    },
    'messages.produce': async ({ topic, partition, key, value, headers, valueFormat }) => {
      if (valueFormat === 'json' && value !== null) checkJson(value);
      if (partition !== undefined) await selectPartitions(cluster, topic, [partition]);
      const [sent] = await cluster.send(
        [
          {
            topic,
            partition,
            key: key === null ? null : Buffer.from(key),
            value: value === null ? null : Buffer.from(value),
            headers: headers.map((h) => ({
              key: h.key,
              value: h.value === null ? null : Buffer.from(h.value),
            })),
          },
        ],
        { acks: -1 },
      );
      return { partition: sent.partition, offset: sent.offset };
    },
    'messages.produceBatch': async ({ topic, partition, acks, records }) => {
      // No await before the send: batches of one connection reach the log in arrival order.
      const sent = await cluster.send(
        records.map((r) => ({
          topic,
          partition,
          key: r.key === null ? null : Buffer.from(r.key),
          value: Buffer.from(r.value),
        })),
        { acks },
      );
      return { count: sent.length };
    },
    'messages.checkQuery': ({ query }) => ({ error: checkQuery(query) }),
    'messages.exportDownload': async ({ fileName }, ctx) => {
      if (!ctx.exportDownloadPath) throw unsupported('downloading an export', ctx);
      await finishedExportPath(dataDir, fileName);
      return { url: ctx.exportDownloadPath(fileName) };
    },
    'messages.exportShow': async ({ fileName }, ctx) => {
      if (!ctx.showItemInFolder) throw unsupported('showing an export in its folder', ctx);
      ctx.showItemInFolder(await finishedExportPath(dataDir, fileName));
      return {};
    },
  };
}

/**
 * The record at exactly `offset`.
 * @throws OFFSET_OUT_OF_RANGE naming the valid offsets, NOT_FOUND when compaction removed it.
 */
async function readOne(
  cluster: Cluster,
  topic: string,
  partition: number,
  offset: number,
): Promise<StoredRecord> {
  const [part] = await selectPartitions(cluster, topic, [partition]);
  if (offset < part.logStartOffset || offset >= part.logEndOffset) {
    throw new LogdockError(
      'OFFSET_OUT_OF_RANGE',
      part.logStartOffset === part.logEndOffset
        ? `offset ${offset} is outside partition ${partition} of topic ${topic}: it is empty`
        : `offset ${offset} is outside partition ${partition} of topic ${topic}: valid offsets are ${part.logStartOffset} to ${part.logEndOffset - 1}`,
    );
  }
  const records = await cluster.readRecords(topic, partition, offset, { maxRecords: 1 });
  const record = records.find((r) => r.offset === offset);
  if (!record) {
    throw new LogdockError(
      'NOT_FOUND',
      `offset ${offset} of partition ${partition} of topic ${topic} was removed by compaction`,
    );
  }
  return record;
}

function isJsonContainer(text: string): boolean {
  if (!/^\s*[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function checkJson(value: string): void {
  try {
    JSON.parse(value);
  } catch (err) {
    throw new LogdockError(
      'INVALID_ARGUMENT',
      `value is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/** The largest end <= `end` (and > from, if possible) that does not cut a UTF-8 character. */
function utf8Boundary(buf: Buffer, from: number, end: number): number {
  let e = end;
  while (e > from && (buf[e] & 0xc0) === 0x80) e--;
  return e > from ? e : end;
}

function unsupported(what: string, ctx: CallContext): LogdockError {
  return new LogdockError(
    'UNSUPPORTED',
    `${what} is not possible over the ${ctx.transport} transport (see system.info capabilities)`,
  );
}
