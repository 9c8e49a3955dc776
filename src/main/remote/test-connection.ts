import type { Admin } from '@platformatic/kafka';
import { kafkaLib } from './kafka-lib';
import type { ClusterInput, ConnectionTest } from '../../common/api/clusters';
import { LogdockError } from '../../common/errors';
import { clientOptions } from './client-options';
import { classifyConnectionError } from './connection-errors';

/**
 * "Test connection": connects to a cluster with its settings (secrets included), asks for the
 * brokers, the controller and the API versions, and closes again. Never throws for a failure
 * of the cluster: the result says what it reached or why it could not (docs/clusters.md).
 * An unreadable TLS file is a failure of the settings: reported as `error` naming the file.
 */
export async function testConnection(
  cluster: ClusterInput,
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Promise<ConnectionTest> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let admin: Admin | undefined;
  try {
    admin = new (kafkaLib().Admin)({
      ...(await clientOptions(cluster, 'logdock-test-connection')),
      // One try per server: the person wants to know now, not after the client's back-off.
      retries: 0,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      requestTimeout: timeoutMs,
    });
    const metadata = await admin.metadata({ topics: [] });
    const apis = await admin.listApis();
    return {
      ok: true,
      clusterId: metadata.id || null,
      controller: metadata.controllerId,
      brokers: [...metadata.brokers.entries()]
        .map(([id, b]) => ({ id, host: b.host, port: b.port, rack: b.rack ?? null }))
        .sort((a, b) => a.id - b.id),
      apiVersions: apis
        .map((a) => ({ apiKey: a.apiKey, name: a.name, min: a.minVersion, max: a.maxVersion }))
        .sort((a, b) => a.apiKey - b.apiKey),
      elapsedMs: elapsed(),
    };
  } catch (err) {
    if (err instanceof LogdockError) {
      return { ok: false, reason: 'error', message: err.message, elapsedMs: elapsed() };
    }
    return { ok: false, ...classifyConnectionError(err), elapsedMs: elapsed() };
  } finally {
    await admin?.close().catch(() => undefined);
  }
}
