import { z } from 'zod';
import { request, subscription } from './define';

// Requests and subscriptions of the application settings, persisted in
// `<dataDir>/settings.json`; see define.ts for the conventions.

const DAY_MS = 24 * 60 * 60 * 1000;

/** -1 means "keep forever", as Kafka's retention.ms. */
const retentionMs = z.number().int().min(-1);
const retentionBytes = z.number().int().min(-1);

export const themeSchema = z.enum(['system', 'light', 'dark']);

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
    })
    .default({ enabled: true, host: '127.0.0.1', port: 9092 }),
  theme: themeSchema.default('system'),
  defaultRetentionMs: retentionMs.default(7 * DAY_MS),
  defaultRetentionBytes: retentionBytes.default(-1),
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
      })
      .partial()
      .strict(),
    theme: themeSchema,
    defaultRetentionMs: retentionMs,
    defaultRetentionBytes: retentionBytes,
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
      'data directory and Kafka listener at the next start.',
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
