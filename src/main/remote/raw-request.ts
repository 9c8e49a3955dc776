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
 */
export function sendRaw<T>(
  connection: Connection,
  api: ApiSpec,
  version: number,
  body: Struct,
  interpret: (response: Struct) => T,
  sizeHint = 256,
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
        interpret(responseCodec(api, version).read(new Reader(reader.buffer.slice()))),
      isFlexibleRequest(api, version),
      responseHeaderVersion(api, version) === 1,
      (err: Error | null, result?: T) => (err ? reject(err) : resolve(result!)),
    );
  });
}
