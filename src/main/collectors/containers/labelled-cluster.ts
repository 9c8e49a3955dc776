/**
 * The cluster as one container's file source sees it: every record it sends gets the
 * container's headers (`container.id`, `container.name`, `container.image`,
 * `container.label.<k>`), the `log` text of Docker's line (or the message of Podman's
 * k8s-file lines, partial lines joined) as value, and, when records carry no key, the
 * container's name as key.
 * Everything else goes to the real cluster unchanged. Container sources parse Docker's
 * JSON lines, so their records always go through `send` (never the raw-batch fast path).
 */
import type { Cluster, ProduceRecord } from '../../cluster';
import type { RecordHeader } from '../../storage/api';
import { parseCri } from '../parsers/cri';
import { fixedHeader } from '../record';
import type { Container } from './discovery';

export function containerHeaders(c: Container): RecordHeader[] {
  return [
    fixedHeader('container.id', c.id),
    fixedHeader('container.name', c.name),
    fixedHeader('container.image', c.image),
    ...Object.entries(c.labels).map(([k, v]) => fixedHeader(`container.label.${k}`, v)),
  ];
}

/**
 * The `log` string of Docker's JSON line, without its newline: the file source's `docker`
 * parser took time and stream from the line but leaves the line itself as the value.
 * A line that is not Docker's JSON stays as it is (it also carries logdock.parse-error).
 */
function logText(value: Buffer | null): Buffer | null {
  if (!value || value[0] !== 0x7b) return value;
  try {
    const log = (JSON.parse(value.toString('utf8')) as { log?: unknown }).log;
    if (typeof log !== 'string') return value;
    return Buffer.from(log.endsWith('\n') ? log.slice(0, -1) : log);
  } catch {
    return value;
  }
}

/** The message of k8s-file lines (one event: `P` lines and their `F` line), else the value as it is. */
function criText(value: Buffer | null): Buffer | null {
  if (!value) return value;
  const parsed = parseCri(value.toString('utf8'), 'UTC');
  return parsed.error ? value : Buffer.from(parsed.message ?? '');
}

export function labelledCluster(cluster: Cluster, c: Container): Cluster {
  const headers = containerHeaders(c);
  const text = c.runtime === 'podman' ? criText : logText;
  const key = Buffer.from(c.name);
  const send: Cluster['send'] = (records, opts) =>
    cluster.send(
      records.map((r): ProduceRecord => ({
        ...r,
        key: r.key ?? key,
        value: text(r.value),
        headers: [...(r.headers ?? []), ...headers],
      })),
      opts,
    );
  return new Proxy(cluster, {
    get(target, prop, receiver) {
      if (prop === 'send') return send;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
