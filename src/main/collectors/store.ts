/**
 * `<dataDir>/collectors.json`: the configured sources, versioned, written atomically.
 * Format: see docs/format/collector-sources.md. A file that cannot be parsed is moved aside
 * (`collectors.json.corrupt-<ms>`) rather than overwritten, so a person can repair it.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LogdockError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-file';
import { sourceConfigSchema, type SourceConfig } from '../../common/collectors/config';

export const SOURCES_VERSION = 1;

const fileSchema = z.object({
  version: z.literal(SOURCES_VERSION),
  sources: z.array(sourceConfigSchema),
});

export class SourceStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'collectors.json');
  }

  /**
   * Loads the sources; null when the file does not exist (first start).
   * @throws LogdockError CORRUPT_FILE (after moving the file aside) when it is malformed.
   */
  async load(): Promise<SourceConfig[] | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new LogdockError('IO_ERROR', `cannot read ${this.path}: ${(err as Error).message}`);
    }
    try {
      return fileSchema.parse(JSON.parse(text)).sources;
    } catch (err) {
      const aside = `${this.path}.corrupt-${Date.now()}`;
      await rename(this.path, aside).catch(() => {});
      throw new LogdockError(
        'CORRUPT_FILE',
        `${this.path} is malformed (moved to ${aside}): ${(err as Error).message}`,
      );
    }
  }

  /** Saves the sources atomically (temporary file, fsync, rename). */
  async save(sources: SourceConfig[]): Promise<void> {
    await writeFileAtomic(
      this.path,
      JSON.stringify({ version: SOURCES_VERSION, sources }, null, 2) + '\n',
    );
  }
}
