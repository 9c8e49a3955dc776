import { z } from 'zod';
import { request, subscription } from './define';
// The one schema of a source's configuration (API, config file, collectors.json). It is
// plain zod with no Node imports, so the renderer can validate a form with it too.
import { sourceConfigSchema } from '../collectors/config';

// Requests and subscriptions of the collectors domain; see define.ts for the conventions.

const sourceId = z.string().min(1).max(100);

export const collectedFileSchema = z.object({
  path: z.string(),
  /** Bytes of the file read and produced so far. */
  position: z.number(),
  size: z.number(),
});

export const sourceStatusSchema = z.object({
  state: z.enum(['starting', 'running', 'paused', 'failed', 'stopped']),
  files: z.array(collectedFileSchema),
  /** Sum over the files of size - position. */
  bytesBehind: z.number(),
  /** Lines (events) produced per second over the last few seconds. */
  linesPerSecond: z.number(),
  /** Lines cut because they exceeded the maximum line size. */
  cutLines: z.number(),
  parseErrors: z.number(),
  lastError: z.string().nullable(),
  /** Free-form details a source type adds (e.g. the syslog port it listens on). */
  detail: z.string().nullable(),
});

export const sourceSchema = z.object({
  config: sourceConfigSchema,
  status: sourceStatusSchema,
});

export const previewEventSchema = z.object({
  /** The event's text as it would be stored (several lines when multiline joined them). */
  text: z.string(),
  lines: z.number().int(),
  timestamp: z.number().nullable(),
  level: z.string().nullable(),
  key: z.string().nullable(),
  fields: z.record(z.string(), z.string()),
  parseError: z.string().nullable(),
});

export const collectorsRequests = {
  'collectors.list': request(
    'Every source with its configuration and live status.',
    z.object({}).strict(),
    z.array(sourceSchema),
  ),
  'collectors.add': request(
    'Adds and starts a source; ALREADY_EXISTS when its id is taken.',
    z.object({ config: sourceConfigSchema }).strict(),
    sourceSchema,
  ),
  'collectors.update': request(
    'Replaces the configuration of a source (its id cannot change) and restarts it from its checkpoints.',
    z.object({ id: sourceId, config: sourceConfigSchema }).strict(),
    sourceSchema,
  ),
  'collectors.pause': request(
    'Stops reading a source, keeping its position.',
    z.object({ id: sourceId }).strict(),
    sourceSchema,
  ),
  'collectors.resume': request(
    'Resumes a paused source from where it stopped.',
    z.object({ id: sourceId }).strict(),
    sourceSchema,
  ),
  'collectors.remove': request(
    'Stops and removes a source (its topic and messages stay).',
    z.object({ id: sourceId }).strict(),
    z.object({}),
  ),
  'collectors.preview': request(
    'How the first lines of the first file matching a (possibly unsaved) file source would be split and parsed.',
    z
      .object({
        config: sourceConfigSchema,
        maxEvents: z.number().int().min(1).max(200).default(20),
      })
      .strict(),
    z.object({
      /** The file previewed, or null when nothing matches the globs. */
      file: z.string().nullable(),
      /** The first 1,000 matching files, sorted. */
      matchedFiles: z.array(z.string()),
      /** True when more files may match: the walk stopped after 100,000 entries, or the list was cut. */
      incomplete: z.boolean().optional(),
      events: z.array(previewEventSchema),
    }),
  ),
} as const;

export const collectorsSubscriptions = {
  'collectors.status': subscription(
    'Emits every source with its status at start and then whenever a status changes (at most a few times a second).',
    z.object({}).strict(),
    z.array(sourceSchema),
  ),
} as const;

export type CollectedFile = z.output<typeof collectedFileSchema>;
export type SourceStatus = z.output<typeof sourceStatusSchema>;
export type Source = z.output<typeof sourceSchema>;
export type PreviewEvent = z.output<typeof previewEventSchema>;
