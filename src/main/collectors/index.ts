/**
 * Collectors (issue 5): the logs of local services gathered into topics. Others use
 * `CollectorManager` and the config schema; everything else here is internal.
 */
export {
  CollectorManager,
  DEFAULT_SOURCE_ID,
  DEFAULT_SOURCE_TOPIC,
  defaultSourceConfig,
} from './manager';
export type { CollectorManagerOptions, SourceView } from './manager';
export {
  sourceConfigSchema,
  fileSourceSchema,
  commandSourceSchema,
  syslogSourceSchema,
  otlpSourceSchema,
  journaldSourceSchema,
  collectorsFileSchema,
  type SourceConfig,
  type SourceConfigInput,
  type FileSourceConfig,
  type CommandSourceConfig,
  type SyslogSourceConfig,
  type OtlpSourceConfig,
  type JournaldSourceConfig,
} from '../../common/collectors/config';
export type { SourceStatus, FileStatus } from './status';
export type { PreviewEvent, PreviewResult } from './preview';
export { readSourcesFile, parseTailSpec, serveSources } from './config-file';
export { journalCliSource, otlpCliSource } from './cli-sources';
export { H as COLLECTOR_HEADERS } from './record';
