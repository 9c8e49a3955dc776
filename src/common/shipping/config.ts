/**
 * What a ship is: a local topic forwarded to a topic of a remote Kafka cluster
 * (docs/clusters.md, Shipping). One schema for `serve --ship`, the `ship:` list of a
 * `--config` file, `<dataDir>/shipping.json` and the API. Plain zod, no Node imports, so the
 * renderer validates its form with it too.
 *
 *   to := "kafka://" host:port ("," host:port)* "/" remote-topic     (PLAINTEXT, no settings)
 *       | "cluster://" cluster-name "/" remote-topic                 (a saved cluster, its security)
 */
import { z } from 'zod';
import { bootstrapServerSchema, clusterNameSchema, LOCAL_CLUSTER } from '../api/clusters';
import { topicNameSchema } from '../api/topics';

export type ShipTarget =
  | { kind: 'bootstrap'; servers: string[]; topic: string }
  | { kind: 'cluster'; name: string; topic: string };

/** Parses a ship target; returns the reason as a string when it is malformed. */
export function parseShipTarget(to: string): ShipTarget | string {
  const m = /^(kafka|cluster):\/\/([^/]*)\/(.*)$/.exec(to);
  if (!m) return 'expected kafka://HOST:PORT[,HOST:PORT]/TOPIC or cluster://NAME/TOPIC';
  const topic = topicNameSchema.safeParse(m[3]);
  if (!topic.success) return `remote topic: ${topic.error.issues[0].message}`;
  if (m[1] === 'cluster') {
    const name = clusterNameSchema.safeParse(m[2]);
    if (!name.success) return `cluster name: ${name.error.issues[0].message}`;
    if (m[2] === LOCAL_CLUSTER) return `${LOCAL_CLUSTER} is this Logdock; ship to a remote cluster`;
    return { kind: 'cluster', name: m[2], topic: m[3] };
  }
  const servers = m[2].split(',');
  for (const server of servers) {
    const parsed = bootstrapServerSchema.safeParse(server);
    if (!parsed.success) return `"${server}": ${parsed.error.issues[0].message}`;
  }
  return { kind: 'bootstrap', servers, topic: m[3] };
}

export const shipTargetSchema = z
  .string()
  .max(2000)
  .superRefine((to, ctx) => {
    const parsed = parseShipTarget(to);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  });

export const shipConfigSchema = z
  .object({
    /** The local topic forwarded (one ship per local topic). */
    topic: topicNameSchema,
    to: shipTargetSchema,
  })
  .strict();

export type ShipConfig = z.infer<typeof shipConfigSchema>;

/** `LOCAL_TOPIC=kafka://HOST:PORT/REMOTE_TOPIC` (serve --ship); the reason when malformed. */
export function parseShipSpec(spec: string): ShipConfig | string {
  const eq = spec.indexOf('=');
  if (eq <= 0) return `expected LOCAL_TOPIC=kafka://HOST:PORT/REMOTE_TOPIC, got "${spec}"`;
  const parsed = shipConfigSchema.safeParse({ topic: spec.slice(0, eq), to: spec.slice(eq + 1) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
  }
  return parsed.data;
}
