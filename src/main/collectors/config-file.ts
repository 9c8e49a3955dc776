/**
 * What `logdock serve --config logdock.yaml` and `--tail TOPIC=GLOB` contribute: sources
 * from a YAML or JSON file (`sources: [...]`, each a source config) and the shorthand
 * `TOPIC=GLOB` for a file source. Errors name the file and the field.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { LogdockError } from '../../common/errors';
import { lazyModule } from '../lazy-module';
import {
  collectorsFileSchema,
  sourceConfigSchema,
  type SourceConfig,
} from '../../common/collectors/config';
import { tailFields, type TailSpec } from './tail-options';

/** Loaded with the first config file (lazy-module.ts): most starts read none. */
const yaml = lazyModule<typeof import('yaml')>('yaml');

/**
 * Reads and validates a `--config` file (YAML or JSON): its `sources` and `ship` lists.
 * @throws LogdockError NOT_FOUND, INVALID_CONFIG (with the path of the bad field).
 */
export async function readConfigFile(path: string): Promise<z.output<typeof collectorsFileSchema>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new LogdockError(
      'NOT_FOUND',
      `cannot read config file ${path}: ${(err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = yaml().parse(text); // YAML is a superset of JSON
  } catch (err) {
    throw new LogdockError(
      'INVALID_CONFIG',
      `${path}: not valid YAML or JSON: ${(err as Error).message}`,
    );
  }
  const parsed = collectorsFileSchema.safeParse(raw ?? {});
  if (!parsed.success)
    throw new LogdockError('INVALID_CONFIG', `${path}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Reads sources from a YAML or JSON file. Relative globs and working directories are taken
 * relative to the file's directory.
 * @throws LogdockError NOT_FOUND, INVALID_CONFIG (with the path of the bad field).
 */
export async function readSourcesFile(path: string): Promise<SourceConfig[]> {
  const parsed = { data: await readConfigFile(path) };
  const base = dirname(resolve(path));
  return parsed.data.sources.map((s) => {
    if (s.type === 'file') {
      const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
      return { ...s, include: s.include.map(abs), exclude: s.exclude.map(abs) };
    }
    if (s.type === 'command' && s.cwd && !isAbsolute(s.cwd))
      return { ...s, cwd: resolve(base, s.cwd) };
    return s;
  });
}

/**
 * `TOPIC=GLOB` → a file source reading new files from the beginning, with the options
 * given after that `--tail` (tail-options.ts). The id is derived from the topic
 * (`tail-<topic>`).
 * @throws LogdockError INVALID_ARGUMENT when the shape or the topic is wrong.
 */
export function parseTailSpec(
  spec: string,
  cwd = process.cwd(),
  options: Omit<TailSpec, 'spec'> = {},
): SourceConfig {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) {
    throw new LogdockError('INVALID_ARGUMENT', `--tail expects TOPIC=GLOB, got "${spec}"`);
  }
  const topic = spec.slice(0, eq);
  const glob = spec.slice(eq + 1);
  const parsed = sourceConfigSchema.safeParse({
    type: 'file',
    // The id is derived from the topic; an invalid topic is then reported as such.
    id: `tail-${topic.replace(/[^A-Za-z0-9._-]/g, '-')}`.slice(0, 100),
    topic,
    include: [isAbsolute(glob) ? glob : resolve(cwd, glob)],
    ...tailFields({ spec, ...options }),
  });
  if (!parsed.success)
    throw new LogdockError('INVALID_ARGUMENT', `--tail ${spec}: ${formatIssues(parsed.error)}`);
  return parsed.data;
}

/** Validates one source config from the API or a file. @throws LogdockError INVALID_CONFIG. */
export function parseSourceConfig(input: unknown): SourceConfig {
  const parsed = sourceConfigSchema.safeParse(input);
  if (!parsed.success)
    throw new LogdockError(
      'INVALID_CONFIG',
      `invalid source config: ${formatIssues(parsed.error)}`,
    );
  return parsed.data;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * The sources `logdock serve --config FILE --tail TOPIC=GLOB...` asks for, validated before
 * anything is opened so a mistake is reported at once.
 * @throws LogdockError NOT_FOUND, INVALID_CONFIG, INVALID_ARGUMENT.
 */
export async function serveSources(
  opts: { config?: string; tail?: (string | TailSpec)[] },
  cwd = process.cwd(),
): Promise<SourceConfig[]> {
  const out: SourceConfig[] = opts.config ? await readSourcesFile(resolve(cwd, opts.config)) : [];
  for (const t of opts.tail ?? []) {
    const { spec, ...options } = typeof t === 'string' ? { spec: t } : t;
    out.push(parseTailSpec(spec, cwd, options));
  }
  return out;
}
