import { z } from 'zod';
import { request } from './define';

// The clusters a person works on: the embedded broker (`local`) and remote Kafka clusters added
// by bootstrap servers and security settings (docs/clusters.md). Secrets (SASL passwords, TLS
// key passphrases) travel only towards the main process: results say whether one is saved,
// never what it is.

/** The embedded broker's cluster name; it cannot be added, changed or removed. */
export const LOCAL_CLUSTER = 'local';

export const clusterNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{0,47}$/,
    'lower-case letters, digits, ".", "_" and "-", starting with a letter or digit, at most 48',
  );

/** `host:port`; IPv6 literals in brackets (`[::1]:9092`). */
export const bootstrapServerSchema = z
  .string()
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/,
    'host:port, e.g. kafka-1.example.com:9092',
  )
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'port at most 65535');

export const colourSchema = z.string().regex(/^#[0-9a-f]{6}$/i, 'a colour as #rrggbb');

export const saslMechanismSchema = z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);

const path = z.string().min(1).max(4096);
/** A secret as typed; absent on update = keep the saved one. */
const secret = z.string().min(1).max(4096);

const saslInput = z
  .object({
    mechanism: saslMechanismSchema,
    username: z.string().min(1).max(1024),
    password: secret.optional(),
  })
  .strict();

const tlsInput = z
  .object({
    /** PEM file of the certificate authorities to trust; absent = the system's. */
    caFile: path.optional(),
    /** Client certificate and key (PEM) for clusters that authenticate clients by TLS. */
    certFile: path.optional(),
    keyFile: path.optional(),
    keyPassphrase: secret.optional(),
    /** Check that the broker's certificate names the host connected to (default on). */
    checkHostname: z.boolean().default(true),
  })
  .strict()
  .refine((t) => (t.certFile === undefined) === (t.keyFile === undefined), {
    message: 'certFile and keyFile go together',
  });

/** Kafka's security.protocol with what each one needs. */
export const securityInputSchema = z.discriminatedUnion('protocol', [
  z.object({ protocol: z.literal('PLAINTEXT') }).strict(),
  z.object({ protocol: z.literal('SASL_PLAINTEXT'), sasl: saslInput }).strict(),
  z.object({ protocol: z.literal('SSL'), tls: tlsInput }).strict(),
  z.object({ protocol: z.literal('SASL_SSL'), sasl: saslInput, tls: tlsInput }).strict(),
]);

const clusterFields = {
  colour: colourSchema,
  bootstrapServers: z.array(bootstrapServerSchema).min(1).max(64),
  security: securityInputSchema,
  /** Refuse every write (produce, delete, alter, reset, replay into it). */
  readOnly: z.boolean(),
};

export const clusterInputSchema = z
  .object({
    name: clusterNameSchema.refine(
      (n) => n !== LOCAL_CLUSTER,
      `"${LOCAL_CLUSTER}" is the embedded broker`,
    ),
    ...clusterFields,
    colour: colourSchema.default('#3b82f6'),
    security: securityInputSchema.default({ protocol: 'PLAINTEXT' }),
    readOnly: z.boolean().default(false),
  })
  .strict();

/** How a saved cluster is shown: secrets replaced by whether one is saved. */
export const securityViewSchema = z.object({
  protocol: z.enum(['PLAINTEXT', 'SASL_PLAINTEXT', 'SSL', 'SASL_SSL']),
  sasl: z
    .object({ mechanism: saslMechanismSchema, username: z.string(), hasPassword: z.boolean() })
    .optional(),
  tls: z
    .object({
      caFile: z.string().optional(),
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      hasKeyPassphrase: z.boolean(),
      checkHostname: z.boolean(),
    })
    .optional(),
});

export const clusterViewSchema = z.object({
  name: z.string(),
  kind: z.enum(['local', 'remote']),
  colour: colourSchema,
  /** For `local`, the Kafka listener's address when it runs. */
  bootstrapServers: z.array(z.string()),
  security: securityViewSchema,
  readOnly: z.boolean(),
});

const brokerSchema = z.object({
  id: z.number().int(),
  host: z.string(),
  port: z.number().int(),
  rack: z.string().nullable(),
});

/** Why a connection failed, for a person to act on. */
export const connectionFailureSchema = z.enum([
  'unreachable', // refused, no route, unknown host
  'tls', // handshake failed: not TLS, untrusted certificate, wrong host name, client cert refused
  'authentication', // SASL refused: mechanism, user or password
  'timeout', // connected, but no answer in time
  'closed', // the broker closed the connection (often: it expects SASL or TLS)
  'unsupported', // the broker speaks Kafka versions older than Logdock's client needs
  'error', // anything else; the message says what
]);

export const connectionTestSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    clusterId: z.string().nullable(),
    controller: z.number().int(),
    brokers: z.array(brokerSchema),
    apiVersions: z.array(
      z.object({
        apiKey: z.number().int(),
        name: z.string(),
        min: z.number().int(),
        max: z.number().int(),
      }),
    ),
    elapsedMs: z.number(),
  }),
  z.object({
    ok: z.literal(false),
    reason: connectionFailureSchema,
    message: z.string(),
    elapsedMs: z.number(),
  }),
]);

export const clustersRequests = {
  'clusters.list': request(
    'Every cluster: `local` first, then the remote ones by name. Secrets are never included.',
    z.object({}).strict(),
    z.object({ clusters: z.array(clusterViewSchema) }),
  ),
  'clusters.add': request(
    'Saves a remote cluster (secrets encrypted, docs/clusters.md). ALREADY_EXISTS for a taken name.',
    clusterInputSchema,
    clusterViewSchema,
  ),
  'clusters.update': request(
    'Changes a remote cluster; an omitted password or key passphrase keeps the saved one. ' +
      'NOT_FOUND for an unknown name; `local` cannot be changed (INVALID_ARGUMENT).',
    z
      .object({
        name: clusterNameSchema,
        colour: clusterFields.colour.optional(),
        bootstrapServers: clusterFields.bootstrapServers.optional(),
        security: clusterFields.security.optional(),
        readOnly: clusterFields.readOnly.optional(),
      })
      .strict(),
    clusterViewSchema,
  ),
  'clusters.remove': request(
    'Forgets a remote cluster and its secrets. NOT_FOUND for an unknown name.',
    z.object({ name: clusterNameSchema }).strict(),
    z.object({}),
  ),
  'clusters.test': request(
    'Connects to a saved cluster (`name`) or to settings not yet saved (`draft`, with a ' +
      'password given or, for a saved name, kept) and says what it reached or why it failed.',
    z.union([
      z.object({ name: clusterNameSchema }).strict(),
      z.object({ draft: clusterInputSchema }).strict(),
    ]),
    connectionTestSchema,
  ),
} as const;

export const clustersSubscriptions = {} as const;

export type ClusterInput = z.output<typeof clusterInputSchema>;
export type SecurityInput = z.output<typeof securityInputSchema>;
export type ClusterView = z.output<typeof clusterViewSchema>;
export type ConnectionTest = z.output<typeof connectionTestSchema>;
export type ConnectionFailure = z.output<typeof connectionFailureSchema>;
