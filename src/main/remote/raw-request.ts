import type { Connection, Reader as ClientReader } from '@platformatic/kafka';
import { kafkaLib } from './kafka-lib';
import type { Struct } from '../protocol/codec/compile';
import {
  isFlexibleRequest,
  requestCodec,
  responseCodec,
  responseHeaderVersion,
  type ApiSpec,
} from '../protocol/codec/messages';
import { Reader } from '../protocol/codec/reader';
import { Writer } from '../protocol/codec/writer';

/**
 * Sends one request encoded with Logdock's own codec over one of @platformatic/kafka's
 * authenticated connections, and decodes the answer with the same codec: the requests
 * whose bytes Logdock wants to keep as they are (Fetch: batches undecoded; Produce: batches
 * the forwarder made itself) without a second client.
 *
 * `into`: where the answer's bytes go when they fit (see `contiguous`); the decoded answer's
 * byte fields are then views of it.
 */
export function sendRaw<T>(
  connection: Connection,
  api: ApiSpec,
  version: number,
  body: Struct,
  interpret: (response: Struct) => T,
  sizeHint = 256,
  into?: Buffer,
): Promise<T> {
  const w = new Writer(sizeHint);
  requestCodec(api, version).write(w, body);
  const payload = w.toBuffer();
  return new Promise((resolve, reject) => {
    connection.send(
      api.key,
      version,
      () => kafkaLib().Writer.create().append(payload),
      (_correlationId: number, _apiKey: number, _apiVersion: number, reader: ClientReader) =>
        interpret(responseCodec(api, version).read(new Reader(contiguous(reader.buffer, into)))),
      isFlexibleRequest(api, version),
      responseHeaderVersion(api, version) === 1,
      (err: Error | null, result?: T) => (err ? reject(err) : resolve(result!)),
    );
  });
}

/**
 * The answer's bytes in one buffer. The client keeps them as the socket's chunks (64 KiB
 * each); joining them into a fresh buffer per answer cost a search over a remote cluster
 * more than the Fetch itself: fresh memory is faulted in page by page and, being external to
 * V8's heap, brought on a garbage collection every few answers. A caller's reused buffer
 * (a scan's shared read buffer, which the worker then reads in place) avoids both.
 */
function contiguous(buffer: ClientReader['buffer'], into: Buffer | undefined): Buffer {
  if (!into || buffer.length > into.length || buffer.buffers.length <= 1) return buffer.slice();
  let at = 0;
  for (const chunk of buffer.buffers) at += chunk.copy(into, at);
  return into.subarray(0, at);
}
