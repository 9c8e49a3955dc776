import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScanRange, SearchQuery } from '../../common/api/messages';
import { LogdockError } from '../../common/errors';
import type { Lane } from '../browse/lanes';
import type { MessageSource } from '../browse/partitions';
import { scanMerged } from '../search/merged-scan';
import { compileQuery } from '../search/query';
import type { ProgressFigures } from '../search/scan';
import { CSV_HEADER, csvLine, jsonLine, type ExportFormat } from './format';
import { recordWrittenExport } from './written';

export interface ExportRequest {
  source: MessageSource;
  dataDir: string;
  /** The view's lanes: a topic's partitions, or a timeline's (several topics), merged by time. */
  lanes: Lane[];
  /** The start of the default file name: the topic, or "timeline". */
  name: string;
  range: ScanRange;
  query?: SearchQuery;
  format: ExportFormat;
  fileName?: string;
  signal: AbortSignal;
  onProgress: (figures: ProgressFigures & { writtenBytes: number }) => void;
}

export interface ExportResult {
  path: string;
  fileName: string;
  written: number;
  writtenBytes: number;
  elapsedMs: number;
}

/** Folder of exports inside the data directory (also what headless mode serves). */
export function exportsDir(dataDir: string): string {
  return join(dataDir, 'exports');
}

/**
 * Streams a range (optionally filtered) of a view's lanes, merged by time, into `<dataDir>/exports/<fileName>`. Memory stays
 * bounded whatever the size: the scan waits for the file stream to drain. The file is
 * written as `<fileName>.partial` and renamed when complete, so a half-written export
 * never carries the final name; a cancelled or failed export removes it.
 * @throws LogdockError INVALID_ARGUMENT for a bad query, CANCELLED when aborted, IO_ERROR.
 */
export async function exportMessages(req: ExportRequest): Promise<ExportResult> {
  if (req.query) compileQuery(req.query); // a bad query fails before the file is created
  const fileName = req.fileName ?? defaultFileName(req.name, req.format);
  const topics = [...new Set(req.lanes.map((l) => l.topic))];
  const what = `${topics.length === 1 ? 'topic' : 'topics'} ${topics.join(', ')}`;
  const dir = exportsDir(req.dataDir);
  const path = join(dir, fileName);
  const partial = `${path}.partial`;
  await mkdir(dir, { recursive: true });
  // A fresh file, never one found there: 'wx' refuses a symlink or FIFO planted in between.
  await rm(partial, { force: true });
  const out = createWriteStream(partial, { flags: 'wx' });
  let writtenBytes = 0;
  let failure: Error | null = null;
  out.on('error', (err) => (failure = err));
  const write = async (s: string) => {
    writtenBytes += Buffer.byteLength(s);
    if (!out.write(s)) await drained(out);
    if (failure) throw failure;
  };
  try {
    if (req.format === 'csv') await write(CSV_HEADER);
    const line = req.format === 'csv' ? csvLine : jsonLine;
    const outcome = await scanMerged({
      source: req.source,
      lanes: req.lanes,
      range: req.range,
      query: req.query ?? null,
      signal: req.signal,
      onMatch: (r, lane) => write(line(lane.topic, lane.partition, r)),
      onProgress: (f) => req.onProgress({ ...f, writtenBytes }),
    });
    if (outcome.reason === 'cancelled')
      throw new LogdockError('CANCELLED', `export of ${what} to ${path} was cancelled`);
    await closeStream(out);
    await rename(partial, path);
    await recordWrittenExport(req.dataDir, fileName, await stat(path));
    return { path, fileName, written: outcome.matched, writtenBytes, elapsedMs: outcome.elapsedMs };
  } catch (err) {
    out.destroy();
    await rm(partial, { force: true });
    if (err instanceof LogdockError) throw err;
    throw new LogdockError(
      'IO_ERROR',
      `export of ${what} to ${path} failed: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

function defaultFileName(name: string, format: ExportFormat): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return `${name}-${stamp}.${format}`;
}

function drained(out: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
  });
}

function closeStream(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.end((err?: Error | null) => (err ? reject(err) : resolve()));
  });
}
