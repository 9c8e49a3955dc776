/**
 * @platformatic/kafka, loaded on first use instead of at startup (lazy-module.ts):
 * evaluating it compiles its option schemas (ajv), ~0.9 s of the main thread, which every
 * `logdock serve` and app start paid before printing its address although only remote
 * clusters, shipping and `logdock consume --group` use the library.
 */
import { lazyModule } from '../lazy-module';

export const kafkaLib = lazyModule<typeof import('@platformatic/kafka')>('@platformatic/kafka');
