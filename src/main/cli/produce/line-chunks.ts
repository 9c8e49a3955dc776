/**
 * Stdin as runs of whole lines: each chunk yielded ends with a newline (one is added to a
 * last line without), and a UTF-8 byte order mark at the very start is skipped. A chunk is
 * valid only until the next is asked for: a regular file is read into one reused 1 MiB
 * buffer (fresh buffers per read, as a stream makes them, each cost V8 a garbage collection
 * for "external memory pressure"), the unfinished line moved to its front before the next
 * read; a pipe or a terminal is read as process.stdin delivers it.
 */
import { fstatSync, read } from 'node:fs';
import { promisify } from 'node:util';

const readAt = promisify(read);

const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Stdin's lines in runs (see above). */
export function stdinLineChunks(): AsyncIterable<Buffer> {
  let file = false;
  try {
    file = fstatSync(0).isFile();
  } catch {
    // no usable stdin: read it as process.stdin does
  }
  return file ? fileLineChunks(0) : streamLineChunks(process.stdin);
}

/**
 * The lines of a regular file open as `fd`, from its current position, read into one
 * reused buffer that grows for longer lines. The file is not closed.
 */
export async function* fileLineChunks(fd: number): AsyncGenerator<Buffer> {
  let buf: Buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  let held = 0; // bytes of an unfinished line at the front of buf
  let first = true;
  for (;;) {
    if (held === buf.length) buf = ensureRoom(buf, buf.length * 2); // a line longer than buf
    const { bytesRead } = await readAt(fd, buf, held, buf.length - held, null);
    let filled = held + bytesRead;
    if (first) {
      if (bytesRead > 0 && isBomPrefix(buf.subarray(0, filled))) {
        held = filled; // too few bytes yet to tell
        continue;
      }
      first = false;
      if (buf.subarray(0, BOM.length).equals(BOM)) {
        buf.copyWithin(0, BOM.length, filled);
        filled -= BOM.length;
      }
    }
    if (bytesRead === 0) {
      if (filled > 0) {
        buf = ensureRoom(buf, filled + 1);
        buf[filled++] = NEWLINE;
        yield buf.subarray(0, filled);
      }
      return;
    }
    const last = buf.lastIndexOf(NEWLINE, filled - 1);
    held = filled - (last + 1);
    if (last >= 0) {
      yield buf.subarray(0, last + 1);
      buf.copyWithin(0, last + 1, filled);
    }
  }
}

/** True for the first one or two bytes of a BOM: the stream may go on with the rest. */
function isBomPrefix(bytes: Buffer): boolean {
  return bytes.length < BOM.length && bytes.equals(BOM.subarray(0, bytes.length));
}

function ensureRoom(buf: Buffer, size: number): Buffer {
  if (size <= buf.length) return buf;
  const bigger = Buffer.allocUnsafeSlow(size);
  buf.copy(bigger);
  return bigger;
}

/** The lines of a stream, the unfinished line of each chunk carried to the next. */
export async function* streamLineChunks(
  input: AsyncIterable<Buffer | string>,
): AsyncGenerator<Buffer> {
  let carry: Buffer | null = null;
  let first = true;
  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    if (first) {
      if (isBomPrefix(buf)) {
        carry = buf; // too few bytes yet to tell
        continue;
      }
      first = false;
      if (buf.subarray(0, BOM.length).equals(BOM)) buf = buf.subarray(BOM.length);
    }
    const last = buf.lastIndexOf(NEWLINE);
    if (last === -1) {
      carry = buf;
      continue;
    }
    // The unfinished line is copied: a view would keep the whole chunk alive.
    carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null;
    yield buf.subarray(0, last + 1);
  }
  if (carry !== null && carry.length > 0) {
    yield Buffer.concat([carry, Buffer.from('\n')]);
  }
}
