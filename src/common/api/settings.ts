import { z } from 'zod';
import { savedSearchesSchema } from './saved-search';
import { request, subscription } from './define';

// Requests and subscriptions of the application settings, persisted in
// `<dataDir>/settings.json`; see define.ts for the conventions.

const DAY_MS = 24 * 60 * 60 * 1000;

/** -1 means "keep forever", as Kafka's retention.ms. */
const retentionMs = z.number().int().min(-1);
const retentionBytes = z.number().int().min(-1);

export const themeSchema = z.enum(['system', 'light', 'dark']);

/** Kafka's num.partitions: partitions of an automatically created topic. */
const numPartitions = z.number().int().min(1).max(10_000);
/** Kafka's group.initial.rebalance.delay.ms (at most Kafka's max.poll.interval.ms default). */
const rebalanceDelayMs = z.number().int().min(0).max(300_000);

/** A PEM file named in settings (absolute or relative to the working directory). */
const pemFile = z.string().min(1).max(4096);

/**
 * TLS of the Kafka listener (Kafka's SSL listener; SASL_SSL when SASL users are set too):
 * the certificate and key it presents and, optionally, the CA that must have signed every
 * client's certificate (Kafka's ssl.client.auth=required).
 */
export const listenerTlsSchema = z
  .object({ certFile: pemFile, keyFile: pemFile, caFile: pemFile.nullable().default(null) })
  .strict();

const LISTENER_DEFAULTS = { enabled: true, host: '127.0.0.1', port: 9092, tls: null };

const BROKER_DEFAULTS = {
  numPartitions: 1,
  autoCreateTopics: true,
  groupInitialRebalanceDelayMs: 3000,
};

/**
 * The persisted settings. Every field has a default so an old or partial file still loads;
 * the file itself carries `version` so a future format can be migrated.
 */
export const appSettingsSchema = z.object({
  /** Where the next start keeps its data; the running process keeps using its own. */
  dataDir: z.string().min(1).nullable().default(null),
  kafkaListener: z
    .object({
      enabled: z.boolean().default(true),
      host: z.string().min(1).max(255).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(9092),
      /** null: plaintext. */
      tls: listenerTlsSchema.nullable().default(null),
    })
    .default(LISTENER_DEFAULTS),
  theme: themeSchema.default('system'),
  defaultRetentionMs: retentionMs.default(7 * DAY_MS),
  defaultRetentionBytes: retentionBytes.default(-1),
  /** Broker settings in Kafka's terms; they apply at the next start. */
  broker: z
    .object({
      numPartitions: numPartitions.default(BROKER_DEFAULTS.numPartitions),
      /** Kafka's auto.create.topics.enable: producing to or asking for an unknown topic creates it. */
      autoCreateTopics: z.boolean().default(BROKER_DEFAULTS.autoCreateTopics),
      groupInitialRebalanceDelayMs: rebalanceDelayMs.default(
        BROKER_DEFAULTS.groupInitialRebalanceDelayMs,
      ),
    })
    .default(BROKER_DEFAULTS),
  /** Named searches (query, partitions, time range) the palette and `#/search/<name>` open. */
  savedSearches: savedSearchesSchema.default([]),
});

/** What a caller may change: any subset of the fields, nested objects in part. */
export const settingsPatchSchema = z
  .object({
    dataDir: z.string().min(1).nullable(),
    kafkaListener: z
      .object({
        enabled: z.boolean(),
        host: z
          .string()
          .min(1)
          .max(255)
          .regex(/^[A-Za-z0-9.:-]+$/, 'a host name or IP address'),
        port: z.number().int().min(0).max(65535),
        tls: listenerTlsSchema.nullable(),
      })
      .partial()
      .strict(),
    theme: themeSchema,
    defaultRetentionMs: retentionMs,
    defaultRetentionBytes: retentionBytes,
    broker: z
      .object({
        numPartitions,
        autoCreateTopics: z.boolean(),
        groupInitialRebalanceDelayMs: rebalanceDelayMs,
      })
      .partial()
      .strict(),
    /** The whole list, replacing the saved one. */
    savedSearches: savedSearchesSchema,
  })
  .partial()
  .strict();

export const settingsViewSchema = z.object({
  settings: appSettingsSchema,
  /** The settings file, so a person can find and back it up. */
  path: z.string(),
  /** The data directory this process is using now. */
  activeDataDir: z.string(),
  /** The Kafka listener this process is serving now ("host:port"), or null when off. */
  activeKafkaListener: z.string().nullable(),
  /** Fields whose saved value differs from what the running process uses: restart to apply. */
  restartRequired: z.array(z.enum(['dataDir', 'kafkaListener'])),
  /** Why the file could not be loaded (defaults are in use; the bad file was kept aside). */
  loadError: z.string().nullable(),
});

export const settingsRequests = {
  'settings.get': request(
    'The saved settings and which of them need a restart to apply.',
    z.object({}).strict(),
    settingsViewSchema,
  ),
  'settings.update': request(
    'Validates and saves a partial change (atomically); theme and default retention apply at once, ' +
      'data directory, Kafka listener and broker settings at the next start.',
    z.object({ patch: settingsPatchSchema }).strict(),
    settingsViewSchema,
  ),
} as const;

export const settingsSubscriptions = {
  'settings.changed': subscription(
    'Emits the settings view after every successful update.',
    z.object({}).strict(),
    settingsViewSchema,
  ),
} as const;

export type AppSettings = z.output<typeof appSettingsSchema>;
export type SettingsPatch = z.output<typeof settingsPatchSchema>;
export type SettingsView = z.output<typeof settingsViewSchema>;
export type Theme = z.output<typeof themeSchema>;
