/**
 * The configuration of a collector source, as the API, the config file and
 * `<dataDir>/collectors.json` carry it. `sourceConfigSchema` is the one schema for all of
 * them (a discriminated union on `type`); defaults are applied by parsing, so code below
 * this module always sees complete configs.
 */
import { z } from 'zod';
import { shipConfigSchema } from '../shipping/config';
import { compileLinearRegex } from '../regex/linear-regex';

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'letters, digits, ".", "_" or "-", at most 100');
const topicSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,249}$/, 'letters, digits, ".", "_" or "-", at most 249');

/**
 * A file system path or glob. A NUL byte cannot be in one (the OS ends the name there, so
 * the path would silently name another file, or Node refuses it later, deep in a source).
 */
const pathSchema = z
  .string()
  .min(1)
  .refine((value) => !value.includes('\0'), 'a path cannot hold a NUL byte');

/**
 * Checks a regular expression while parsing, so a bad pattern, or one using a construct
 * RE2 refuses (backreferences, lookaround), is a config error that names it.
 */
const regexSource = z.string().superRefine((value, ctx) => {
  try {
    compileLinearRegex(value, { field: 'pattern' });
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export const timezoneSchema = z
  .string()
  .superRefine((value, ctx) => {
    if (value === 'local' || value === 'UTC' || /^[+-]\d{2}:?\d{2}$/.test(value)) return;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
    } catch {
      ctx.addIssue({ code: 'custom', message: `unknown time zone "${value}"` });
    }
  })
  .default('local');

export const multilineSchema = z
  .object({
    /** `start`: a line matching `pattern` begins an event; `continuation`: a matching line continues the previous one; `end`: a matching line ends the event. */
    mode: z.enum(['start', 'continuation', 'end']).default('start'),
    pattern: regexSource.optional(),
    /** Preset patterns for stack traces; overrides `mode` and `pattern`. */
    preset: z.enum(['java', 'python', 'go']).optional(),
    /** An incomplete event is sent after this long without a new line. */
    flushMs: z.number().int().min(1).max(600_000).default(1000),
    maxLines: z.number().int().min(1).max(100_000).default(500),
    maxBytes: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .refine((m) => m.preset !== undefined || m.pattern !== undefined, {
    message: 'multiline needs a "pattern" or a "preset"',
  });
export type MultilineConfig = z.output<typeof multilineSchema>;

export const parserSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('plain') }),
  z.object({
    type: z.literal('json'),
    /** Field holding the event time; absent: the first of `time`, `ts`, `@timestamp`, `timestamp`. */
    timestampField: z.string().min(1).optional(),
    levelField: z.string().default('level'),
    messageField: z.string().default('msg'),
  }),
  z.object({
    type: z.literal('logfmt'),
    /** Field holding the event time; absent: the first of `time`, `ts`, `@timestamp`, `timestamp`. */
    timestampField: z.string().min(1).optional(),
    levelField: z.string().default('level'),
    messageField: z.string().default('msg'),
  }),
  z.object({
    type: z.literal('regex'),
    /** Named groups become fields; `timestamp`, `level` and `message` groups are special. */
    pattern: regexSource,
  }),
  z.object({
    type: z.literal('preset'),
    /** `cri`: Podman's k8s-file / CRI log lines (`<RFC 3339> stdout|stderr P|F message`). */
    preset: z.enum(['nginx', 'apache', 'syslog-rfc3164', 'syslog-rfc5424', 'docker', 'cri']),
  }),
]);
export type ParserConfig = z.output<typeof parserSchema>;

const parsingSchema = z.object({
  parser: parserSchema.default({ type: 'plain' }),
  /** Zone of timestamps that carry none. */
  timezone: timezoneSchema,
  /**
   * The record's timestamp is the event time found in the line (the parser's timestamp, or
   * one at the start of a plain line) when it is believable, the ingestion time kept in the
   * `logdock.ingest-time` header; false: always the ingestion time.
   */
  timeFromLine: z.boolean().default(true),
  /** Where parsed fields go: record headers (`field.<name>`) or a JSON record value. */
  fields: z.enum(['headers', 'value']).default('headers'),
  maxLineBytes: z
    .number()
    .int()
    .min(16)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  encoding: z.enum(['utf8', 'utf16le', 'utf16be', 'latin1']).default('utf8'),
});

const common = {
  id: idSchema,
  topic: topicSchema,
  paused: z.boolean().default(false),
};

export const fileSourceSchema = z.object({
  type: z.literal('file'),
  ...common,
  ...parsingSchema.shape,
  include: z.array(pathSchema).min(1),
  exclude: z.array(pathSchema).default([]),
  /** Where files never seen before start; applies to files found by the source's first scan. */
  startAt: z.enum(['beginning', 'end']).default('beginning'),
  key: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('none') }),
      z.object({ type: z.literal('path') }),
      z.object({ type: z.literal('field'), field: z.string().min(1) }),
    ])
    .default({ type: 'none' }),
  multiline: multilineSchema.optional(),
  /** Period of the reconcile pass that finds files missed by file-system events. */
  scanIntervalMs: z.number().int().min(50).max(3_600_000).default(1000),
  /** How long a rotated-away file is kept open after its last growth. */
  rotateWaitMs: z.number().int().min(0).max(3_600_000).default(5000),
});

export const commandSourceSchema = z.object({
  type: z.literal('command'),
  ...common,
  ...parsingSchema.shape,
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  cwd: pathSchema.optional(),
  restart: z.enum(['never', 'on-failure', 'always']).default('on-failure'),
  restartDelayMs: z.number().int().min(0).max(3_600_000).default(1000),
});

/** Size limit shared by the service-log sources' options. */
const bytesLimit = (dflt: number) =>
  z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(dflt);

/** OpenTelemetry logs over OTLP/HTTP (`/v1/logs`, protobuf or JSON, gzip). */
export const otlpSourceSchema = z.object({
  type: z.literal('otlp'),
  ...common,
  /** Address to listen on; loopback by default (the receiver has no authentication). */
  host: z.string().min(1).max(253).default('127.0.0.1'),
  /** 0 picks a free port (see the status). */
  port: z.number().int().min(0).max(65535).default(4318),
  /** One topic per `service.name` (`<topic>.<service>`) instead of one topic. */
  topicPerService: z.boolean().default(false),
  /** Attributes, resource and trace context as headers, or the whole record as a JSON value. */
  fields: z.enum(['headers', 'value']).default('headers'),
  /** Largest request body, compressed and decompressed alike (413 beyond). */
  maxRequestBytes: bytesLimit(16 * 1024 * 1024),
  /** Largest record; bigger log records are rejected in a partial-success answer. */
  maxRecordBytes: bytesLimit(1024 * 1024),
  /** Connections open at once; a new one beyond it is closed at once and counted in the status. */
  maxConnections: z.number().int().min(1).max(10_000).default(200),
});

/** The systemd journal, read through `journalctl`, with the cursor as checkpoint. */
export const journaldSourceSchema = z.object({
  type: z.literal('journald'),
  ...common,
  /** Units to read (`--unit`); empty: every unit. */
  units: z.array(z.string().min(1).max(256)).default([]),
  /** Highest priority number to keep (0 emerg … 7 debug); absent: all. */
  priority: z.number().int().min(0).max(7).optional(),
  /** Journal matches (`FIELD=value`, or `+` between alternatives), with journalctl's rules: ANDed across fields, ORed within one. */
  matches: z
    .array(
      z
        .string()
        .max(4096)
        .regex(/^(?:\+|[A-Z0-9_]+=.*)$/s, 'FIELD=value with an upper-case field name, or "+"'),
    )
    .default([]),
  /** Read the journal files of this directory (`--directory`) instead of the system journal. */
  directory: pathSchema.optional(),
  /** Read these journal files (`--file`) instead of the system journal. */
  files: z.array(pathSchema).default([]),
  /** Where a source without a checkpoint starts; default: the beginning for files and directories, the end for the system journal. */
  startAt: z.enum(['beginning', 'end']).optional(),
  /** Journal fields as headers, or the entry as a JSON value. */
  fields: z.enum(['headers', 'value']).default('headers'),
  /** The journalctl binary. */
  journalctl: pathSchema.default('journalctl'),
});

/** Rootless Podman's service socket where the session has a runtime folder, else the rootful one. */
function defaultPodmanSocket(): string {
  // The renderer has no `process` (its drafts leave this field to main's defaults).
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const runtime = env?.['XDG_RUNTIME_DIR'];
  return runtime ? `${runtime}/podman/podman.sock` : '/run/podman/podman.sock';
}

/** Docker's json-file and Podman's k8s-file container logs, one file source per container. */
export const containersSourceSchema = z.object({
  type: z.literal('containers'),
  ...common,
  /** Directories holding one folder per container (`<id>/<id>-json.log`, `config.v2.json`). */
  roots: z.array(pathSchema).default(['/var/lib/docker/containers']),
  /** Podman's storage folders (`containers.json`, `<id>/userdata/ctr.log`); `~/` is the home folder. */
  podmanRoots: z
    .array(pathSchema)
    .default([
      '/var/lib/containers/storage/overlay-containers',
      '~/.local/share/containers/storage/overlay-containers',
    ]),
  /** Docker Engine API socket, asked for containers and followed for their events when it exists; empty: none. */
  dockerSocket: z.string().default('/var/run/docker.sock'),
  /**
   * Podman's Docker-compatible API socket (`podman system service`), asked for the containers'
   * labels (in no file of Podman's) and followed for their events when it exists; empty: none.
   */
  podmanSocket: z.string().default(defaultPodmanSocket),
  /** Container names to collect (picomatch globs); empty: all. */
  names: z.array(z.string().min(1)).default([]),
  /** One topic per container (`<topic>.<name>`) instead of one topic keyed by container name (the default). */
  topicPerContainer: z.boolean().default(false),
  /** Where logs of containers found by the source's first scan start. */
  startAt: z.enum(['beginning', 'end']).default('beginning'),
  /** Period of the scan for new and removed containers. */
  scanIntervalMs: z.number().int().min(50).max(3_600_000).default(2000),
});

export const syslogSourceSchema = z.object({
  type: z.literal('syslog'),
  ...common,
  protocol: z.enum(['udp', 'tcp', 'both']).default('both'),
  /** Port on 127.0.0.1; 0 picks a free one (see the status). */
  port: z.number().int().min(0).max(65535).default(5514),
  timezone: timezoneSchema,
  maxMessageBytes: z
    .number()
    .int()
    .min(64)
    .max(16 * 1024 * 1024)
    .default(64 * 1024),
  /**
   * TCP connections open at once (rsyslog imtcp's MaxSessions, 200); a new one beyond it is
   * closed at once and counted in the status.
   */
  maxConnections: z.number().int().min(1).max(10_000).default(200),
  /**
   * A TCP connection that holds an unfinished message, or has not yet sent a whole one, and
   * receives nothing for this long is closed (its unfinished newline-framed message kept). A
   * connection idle between messages stays open, as senders keep theirs.
   */
  idleTimeoutMs: z.number().int().min(100).max(86_400_000).default(60_000),
});

export const sourceConfigSchema = z.discriminatedUnion('type', [
  fileSourceSchema,
  commandSourceSchema,
  syslogSourceSchema,
  otlpSourceSchema,
  journaldSourceSchema,
  containersSourceSchema,
]);

export type SourceConfig = z.output<typeof sourceConfigSchema>;
export type SourceConfigInput = z.input<typeof sourceConfigSchema>;
export type FileSourceConfig = z.output<typeof fileSourceSchema>;
export type CommandSourceConfig = z.output<typeof commandSourceSchema>;
export type SyslogSourceConfig = z.output<typeof syslogSourceSchema>;
export type OtlpSourceConfig = z.output<typeof otlpSourceSchema>;
export type JournaldSourceConfig = z.output<typeof journaldSourceSchema>;
export type ContainersSourceConfig = z.output<typeof containersSourceSchema>;
export type ParsingConfig = z.output<typeof parsingSchema>;

/** The file a person writes for `logdock serve --config`: YAML or JSON. */
export const collectorsFileSchema = z.object({
  sources: z.array(sourceConfigSchema).default([]),
  /** Local topics forwarded to remote clusters (docs/clusters.md, Shipping). */
  ship: z.array(shipConfigSchema).default([]),
  /**
   * Logdock's own Kafka listener (`serve` flags of the same names win): TLS files and a file
   * of SASL/PLAIN users (docs/clusters.md, "Security of Logdock's own listener"). Paths are
   * relative to the config file.
   */
  kafka: z
    .object({
      tls: z
        .object({
          certFile: z.string().min(1),
          keyFile: z.string().min(1),
          caFile: z.string().min(1).optional(),
        })
        .strict()
        .optional(),
      saslUsersFile: z.string().min(1).optional(),
    })
    .strict()
    .optional(),
});
