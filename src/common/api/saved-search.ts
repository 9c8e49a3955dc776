import { z } from 'zod';
import { partitionsParam, scanRangeSchema, searchQuerySchema } from './messages';
import { topicNameSchema } from './topics';

/** A name a person gives a search: shown in the palette and used in `#/search/<name>`. */
export const savedSearchNameSchema = z
  .string()
  .trim()
  .regex(/^[\w .-]{1,80}$/, 'a name of 1 to 80 letters, digits, spaces, ".", "_" or "-"');

/** A named search kept in the settings: the topic, partitions, query and range it runs on. */
export const savedSearchSchema = z
  .object({
    name: savedSearchNameSchema,
    topic: topicNameSchema,
    partitions: partitionsParam,
    query: searchQuerySchema,
    /** Whole topic or a time window (offset ranges and selections are not kept). */
    range: scanRangeSchema
      .refine((r) => r.kind === 'all' || r.kind === 'time', {
        message: 'a saved search covers the whole topic or a time window',
      })
      .default({ kind: 'all' }),
  })
  .strict();
export type SavedSearch = z.output<typeof savedSearchSchema>;

/** At most 200 saved searches, each name once. */
export const savedSearchesSchema = z
  .array(savedSearchSchema)
  .max(200)
  .refine((list) => new Set(list.map((s) => s.name)).size === list.length, {
    message: 'two saved searches have the same name',
  });
