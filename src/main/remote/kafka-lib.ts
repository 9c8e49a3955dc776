/**
 * @platformatic/kafka, loaded on first use instead of at startup: evaluating it compiles its
 * option schemas (ajv), ~0.9 s of the main thread, which every `logdock serve` and app
 * start paid before printing its address although only remote clusters, shipping and
 * `logdock consume --group` use the library. Synchronous (Node's require of an ES module,
 * Node >= 20.19 and Electron's) so that the clients' constructors stay synchronous.
 */
import { createRequire } from 'node:module';

type KafkaLib = typeof import('@platformatic/kafka');

const load = createRequire(import.meta.url);
let lib: KafkaLib | undefined;

export function kafkaLib(): KafkaLib {
  lib ??= load('@platformatic/kafka') as KafkaLib;
  return lib;
}
