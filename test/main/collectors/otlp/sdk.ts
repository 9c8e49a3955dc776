/**
 * Sends log records with the real OpenTelemetry JS SDK (LoggerProvider + batch processor +
 * the OTLP/HTTP JSON or protobuf exporter), as an instrumented service would. Export
 * results are counted, so a test can tell records the SDK gave up on from records lost
 * by the receiver.
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';

export interface SdkOptions {
  url: string;
  protocol: 'json' | 'proto';
  gzip?: boolean;
  service: string;
  /** Records per export request (the SDK's default is 512). */
  batchSize?: number;
  scheduledDelayMillis?: number;
  timeoutMillis?: number;
}

export interface SdkSender {
  provider: LoggerProvider;
  /** Log records whose export ended in failure (after the exporter's own retries). */
  failed(): number;
}

type ExportDone = Parameters<LogRecordExporter['export']>[1];
/** ExportResultCode.SUCCESS of @opentelemetry/core. */
const SUCCESS = 0;

export function sdkSender(o: SdkOptions): SdkSender {
  const timeoutMillis = o.timeoutMillis ?? 30_000;
  const config = { url: o.url, timeoutMillis, ...(o.gzip ? { compression: 'gzip' as never } : {}) };
  const otlp = o.protocol === 'json' ? new JsonExporter(config) : new ProtoExporter(config);
  let failed = 0;
  const exporter: LogRecordExporter = {
    export(records: ReadableLogRecord[], done: ExportDone) {
      otlp.export(records, (result) => {
        if (result.code !== SUCCESS) failed += records.length;
        done(result);
      });
    },
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush(),
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': o.service, 'host.name': 'ws-1' }),
    processors: [
      new BatchLogRecordProcessor({
        exporter,
        maxQueueSize: 1_000_000,
        maxExportBatchSize: o.batchSize ?? 512,
        scheduledDelayMillis: o.scheduledDelayMillis ?? 1000,
        exportTimeoutMillis: timeoutMillis,
      }),
    ],
  });
  return { provider, failed: () => failed };
}

export { SeverityNumber };
