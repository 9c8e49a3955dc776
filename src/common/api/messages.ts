import { z } from 'zod';
import { request, subscription } from './define';
import { topicNameSchema } from './topics';

// Requests and subscriptions of the messages domain; see define.ts for the conventions.
//
// Message values never cross the API whole: rows carry a `Preview` (UTF-8 text cut to a
// byte limit, or hex for binary data, with the full size), and the full bytes are asked
// for explicitly in chunks (`messages.chunk`). A view therefore costs the same whether a
// message is 100 bytes or 50 MB.
//
// The browser addresses rows by index. For one partition, row i is offset
// logStartOffset + i. For several partitions, rows are all their messages merged in
// (timestamp, partition, offset) order and row i is found with ListOffsets-by-timestamp
// style lookups, so the same contract works against a remote Kafka cluster.

const offset = z.number().int().nonnegative();
const partition = z.number().int().nonnegative().max(1_000_000);
const MAX_CHUNK = 1024 * 1024;

export const previewSchema = z.object({
  /** UTF-8 text, or space-separated hex pairs when `binary`. */
  text: z.string(),
  /** Full size of the field in bytes. */
  size: z.number().int().nonnegative(),
  truncated: z.boolean(),
  binary: z.boolean(),
});
export type Preview = z.output<typeof previewSchema>;

export const headerPreviewSchema = z.object({ key: z.string(), value: previewSchema.nullable() });

export const messageRowSchema = z.object({
  /** Position of the row in the view it was fetched for (see the note at the top). */
  index: z.number().int().nonnegative(),
  /** The row's topic, in a view of several topics (timeline.*); absent in a topic's own view. */
  topic: topicNameSchema.optional(),
  partition,
  offset,
  timestamp: z.number(),
  key: previewSchema.nullable(),
  value: previewSchema.nullable(),
  /** The first MAX_ROW_HEADERS headers (each key cut to 256 characters); see headersOmitted. */
  headers: z.array(headerPreviewSchema),
  /** How many headers a row leaves out (absent when none): the detail shows them. */
  headersOmitted: z.number().int().positive().optional(),
  /** Log level found in a `level` header or the value (JSON field or leading word), if any. */
  level: z.string().nullable(),
});
export type MessageRow = z.output<typeof messageRowSchema>;

export const messageDetailSchema = messageRowSchema.omit({ index: true }).extend({
  timestampType: z.enum(['CreateTime', 'LogAppendTime']),
  /** The value parses as JSON (only checked when it is not truncated). */
  json: z.boolean(),
});
export type MessageDetail = z.output<typeof messageDetailSchema>;

/** `null` = every partition of the topic. */
export const partitionsParam = z.array(partition).min(1).max(10_000).nullable().default(null);
const previewBytes = z
  .number()
  .int()
  .min(16)
  .max(64 * 1024)
  .default(512);

/**
 * The most preview bytes one window may ask for, count × previewBytes (e.g. 1,000 rows of
 * 4 KiB or 64 of 64 KiB; the browser asks 1,000 of 400 bytes at most). Previews of control
 * bytes grow 6-fold in JSON (\u001b): 1,000 rows of 64 KiB were a 393-million-character
 * answer, 2 s of the main thread and +472 MB for one call.
 */
export const MAX_WINDOW_PREVIEW_BYTES = 4 * 1024 * 1024;

/** Whether a window's count × previewBytes is within MAX_WINDOW_PREVIEW_BYTES. */
export const withinWindowBudget = (p: { count: number; previewBytes: number }): boolean =>
  p.count * p.previewBytes <= MAX_WINDOW_PREVIEW_BYTES;

/** What a window over the budget is told (on `count`). */
export const windowBudgetError = {
  message: `count × previewBytes may be at most ${MAX_WINDOW_PREVIEW_BYTES} (${MAX_WINDOW_PREVIEW_BYTES / 1024 / 1024} MiB of previews per window): ask for fewer rows or smaller previews`,
  path: ['count'],
};

export const partitionEndsSchema = z.object({
  partition,
  logStartOffset: offset,
  logEndOffset: offset,
});

/** What a following view asks `messages.tail` (or `timeline.tail`) to send with each event. */
export const tailNewestSchema = z
  .object({
    /** Rows of the view's end the table shows (or more). */
    count: z.number().int().min(1).max(200),
    /** The first row sent starts a page of this many rows (the table's cache unit). */
    pageSize: z.number().int().min(1).max(200),
    previewBytes: z.number().int().min(16).max(4096),
  })
  .strict();
export type TailNewest = z.output<typeof tailNewestSchema>;

/**
 * The newest rows of a view: every row from `start` to the event's total (rows removed by
 * compaction leave gaps), read at the ends the event reports (see messages.tail).
 */
export const tailRowsSchema = z.object({
  start: z.number().int().nonnegative(),
  rows: z.array(messageRowSchema),
});
export type TailRows = z.output<typeof tailRowsSchema>;

export const seekTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('earliest') }),
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('offset'), partition: partition.optional(), offset }),
  z.object({ kind: z.literal('timestamp'), timestamp: z.number().int().min(0).max(8.64e15) }),
  z.object({ kind: z.literal('lastN'), n: z.number().int().min(1) }),
]);
export type SeekTarget = z.output<typeof seekTargetSchema>;

/** Which messages a search or export covers, in each selected partition. */
export const scanRangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  /** Offsets in [from, to) of every selected partition; `to` null = up to the end. */
  z.object({ kind: z.literal('offsets'), from: offset, to: offset.nullable() }),
  /** Messages with from <= timestamp < to (ms since the epoch). */
  z.object({
    kind: z.literal('time'),
    from: z.number().int().min(0),
    to: z.number().int().min(0).nullable(),
  }),
  /** Exactly these messages (an export of a selection). */
  z.object({
    kind: z.literal('selection'),
    items: z.array(z.object({ partition, offset })).min(1).max(100_000),
  }),
]);
export type ScanRange = z.output<typeof scanRangeSchema>;

/** All given conditions must hold. */
export const searchQuerySchema = z
  .object({
    /** Substring of the value (or the key). */
    text: z.string().min(1).optional(),
    /** RE2-syntax regular expression matched against the value text (linear time; no backreferences or lookaround). */
    regex: z.string().min(1).optional(),
    /** Substring of the key. */
    key: z.string().min(1).optional(),
    /** A header with this name, and if given, a value containing `value`. */
    header: z.object({ key: z.string().min(1), value: z.string().optional() }).optional(),
    /** Filter expression over JSON fields, e.g. `level == "ERROR" && latency_ms > 200`. */
    filter: z.string().min(1).optional(),
    caseSensitive: z.boolean().default(false),
  })
  .strict();
export type SearchQuery = z.output<typeof searchQuerySchema>;

export const scanProgressSchema = z.object({
  type: z.literal('progress'),
  /** Messages looked at so far, and how many the range holds (estimate for time ranges). */
  scanned: z.number(),
  total: z.number(),
  scannedBytes: z.number(),
  matched: z.number(),
  /** Messages per second. */
  rate: z.number(),
  /** Estimated time left, null before the rate is known. */
  etaMs: z.number().nullable(),
  elapsedMs: z.number(),
});
export type ScanProgress = z.output<typeof scanProgressSchema>;

/** A stream that failed after it started (e.g. the topic was deleted mid-scan). */
export const streamErrorSchema = z.object({
  type: z.literal('error'),
  code: z.string(),
  message: z.string(),
});

/**
 * The name of a file in the data directory's exports/ folder: a bare name, never a path
 * (`.` and `..` are names too, and would leave the folder), never a half-written
 * `.partial` file.
 */
export const exportFileNameSchema = z
  .string()
  .regex(/^[\w.-]{1,200}$/, 'file name may only contain letters, digits, ".", "_" and "-"')
  .refine((name) => name !== '.' && name !== '..', 'file name may not be "." or ".."')
  .refine((name) => !name.endsWith('.partial'), 'file name may not end in ".partial"');

/** What a search streams: progress, hits in the view's order, then done (or an error). */
export const searchEventSchema = z.discriminatedUnion('type', [
  scanProgressSchema,
  z.object({ type: z.literal('hits'), hits: z.array(messageRowSchema) }),
  z.object({
    type: z.literal('done'),
    reason: z.enum(['complete', 'limit']),
    scanned: z.number(),
    matched: z.number(),
    elapsedMs: z.number(),
  }),
  streamErrorSchema,
]);

/** What an export streams: progress with the bytes written, then where the file is (or an error). */
export const exportEventSchema = z.discriminatedUnion('type', [
  scanProgressSchema.extend({ type: z.literal('progress'), writtenBytes: z.number() }),
  z.object({
    type: z.literal('done'),
    path: z.string(),
    fileName: z.string(),
    written: z.number(),
    writtenBytes: z.number(),
    elapsedMs: z.number(),
  }),
  streamErrorSchema,
]);

export const messagesRequests = {
  'messages.window': request(
    'Rows [start, start + count) of a topic view (one partition, several, or all merged by timestamp), with the current total. A window never holds more than `count` previews.',
    z
      .object({
        topic: topicNameSchema,
        partitions: partitionsParam,
        start: z.number().int().nonnegative(),
        count: z.number().int().min(1).max(1000),
        previewBytes,
      })
      .strict()
      .refine(withinWindowBudget, windowBudgetError),
    z.object({
      total: z.number().int().nonnegative(),
      rows: z.array(messageRowSchema),
      partitions: z.array(partitionEndsSchema),
    }),
  ),
  'messages.locate': request(
    'Turns a seek target (offset, time, earliest, latest, last N) into a row index of the view. OFFSET_OUT_OF_RANGE names the valid offsets; a time after the newest message gives the end.',
    z
      .object({ topic: topicNameSchema, partitions: partitionsParam, target: seekTargetSchema })
      .strict(),
    z.object({
      index: z.number().int().nonnegative(),
      total: z.number().int().nonnegative(),
      /** What the index points at, in words, e.g. "no message at or after 2026-01-01". */
      note: z.string().nullable(),
    }),
  ),
  'messages.get': request(
    'One message with a larger preview of its key, value and headers, and its timestamp type.',
    z
      .object({
        topic: topicNameSchema,
        partition,
        offset,
        previewBytes: z
          .number()
          .int()
          .min(16)
          .max(MAX_CHUNK)
          .default(256 * 1024),
      })
      .strict(),
    messageDetailSchema,
  ),
  'messages.chunk': request(
    'Bytes [start, start + length) of a message key or value, as UTF-8 text or base64; at most 1 MiB per call.',
    z
      .object({
        topic: topicNameSchema,
        partition,
        offset,
        field: z.enum(['key', 'value']),
        start: z.number().int().nonnegative(),
        length: z.number().int().min(1).max(MAX_CHUNK),
        encoding: z.enum(['utf8', 'base64']).default('utf8'),
      })
      .strict(),
    z.object({ data: z.string(), start: z.number(), end: z.number(), totalBytes: z.number() }),
  ),
  'messages.produce': request(
    'Appends one message. With valueFormat "json" the value must parse as JSON (INVALID_ARGUMENT says where it does not).',
    z
      .object({
        topic: topicNameSchema,
        partition: partition.optional(),
        key: z.string().nullable().default(null),
        value: z.string().nullable(),
        headers: z
          .array(z.object({ key: z.string().min(1), value: z.string().nullable() }))
          .default([]),
        valueFormat: z.enum(['text', 'json']).default('text'),
      })
      .strict(),
    z.object({ partition, offset }),
  ),
  'messages.produceBatch': request(
    'Appends up to 10,000 text messages (what `logdock produce` sends), in order, as one send. Batches sent on one connection are appended in the order they arrive. acks 1 answers after the append, -1 (default) after fsync.',
    z
      .object({
        topic: topicNameSchema,
        partition: partition.optional(),
        acks: z.union([z.literal(1), z.literal(-1)]).default(-1),
        records: z
          .array(z.object({ key: z.string().nullable(), value: z.string() }).strict())
          .min(1)
          .max(10_000),
      })
      .strict(),
    z.object({ count: z.number().int() }),
  ),
  'messages.exportDownload': request(
    "A link from which the browser showing the UI downloads a finished export: a path on the server that served the page, valid until that server restarts. Only where system.info's capabilities.downloadExports is true (headless mode); UNSUPPORTED elsewhere, NOT_FOUND for a name that is not a finished export.",
    z.object({ fileName: exportFileNameSchema }).strict(),
    z.object({ url: z.string() }),
  ),
  'messages.exportShow': request(
    "Shows a finished export in the system's file manager. Only where system.info's capabilities.showExportInFolder is true (Electron); UNSUPPORTED elsewhere, NOT_FOUND for a name that is not a finished export.",
    z.object({ fileName: exportFileNameSchema }).strict(),
    z.object({}),
  ),
  'messages.checkQuery': request(
    'Checks a search query without running it: returns null, or what is wrong (e.g. an invalid regex or filter expression) and at which character.',
    z.object({ query: searchQuerySchema }).strict(),
    z.object({
      error: z
        .object({ field: z.string(), message: z.string(), position: z.number().nullable() })
        .nullable(),
    }),
  ),
} as const;

export const messagesSubscriptions = {
  'messages.tail': subscription(
    "The partitions' start/end offsets and the view total, sent at start and whenever messages arrive (at most 10 times a second, one event at a time: the next waits until the last was sent). The view fetches the new rows with messages.window; a view following the newest messages asks for them with `newest` instead, and each event then carries them: the rows from the start of the page of `pageSize` rows that holds row total - `count`, to the end (at most count + pageSize - 1 rows, each value, key and header cut to `previewBytes`), so that what a following table shows comes with the count, in one message, however fast the topic grows.",
    z
      .object({
        topic: topicNameSchema,
        partitions: partitionsParam,
        newest: tailNewestSchema.optional(),
      })
      .strict(),
    z.object({
      total: z.number().int().nonnegative(),
      partitions: z.array(partitionEndsSchema),
      newest: tailRowsSchema.optional(),
    }),
  ),
  'messages.search': subscription(
    "Scans a range in the main process and streams matches as they are found, in the view's order (merged by time over several partitions), with progress. Unsubscribing cancels the scan. An invalid query fails at once with INVALID_ARGUMENT.",
    z
      .object({
        topic: topicNameSchema,
        partitions: partitionsParam,
        range: scanRangeSchema.default({ kind: 'all' }),
        query: searchQuerySchema,
        maxResults: z.number().int().min(1).max(100_000).default(1000),
        previewBytes,
        /**
         * Go on after this hit (the last one received): a search stopped at maxResults shows
         * more as the person scrolls. Hits come in the view's order: merged by (timestamp,
         * partition, offset) over several partitions, by offset in one.
         */
        after: z.object({ partition, offset }).strict().optional(),
      })
      .strict(),
    searchEventSchema,
  ),
  'messages.export': subscription(
    "Writes a range or selection (optionally filtered by a query), in the view's order, to a JSON Lines or CSV file under the data directory's exports/ folder, streaming with bounded memory. Unsubscribing cancels and removes the partial file.",
    z
      .object({
        topic: topicNameSchema,
        partitions: partitionsParam,
        range: scanRangeSchema.default({ kind: 'all' }),
        query: searchQuerySchema.optional(),
        format: z.enum(['jsonl', 'csv']),
        /** File name only (no folders); defaults to <topic>-<time>.<format>. */
        fileName: exportFileNameSchema.optional(),
      })
      .strict(),
    exportEventSchema,
  ),
} as const;
