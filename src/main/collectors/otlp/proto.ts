/**
 * The OTLP logs messages, as protobufjs reads and writes them. The descriptor below is
 * the JSON form of opentelemetry-proto's `collector/logs/v1/logs_service.proto`,
 * `logs/v1/logs.proto`, `common/v1/common.proto`, `resource/v1/resource.proto` (v1.x,
 * Apache-2.0) and `google/rpc/status.proto`, limited to the fields Logdock reads or
 * writes: unknown fields (newer additions such as `entity_refs`) are skipped by the
 * decoder, as protobuf requires. `severity_number` is declared int32, which is the wire
 * form of the enum, so unknown enum values survive. Why protobufjs and not
 * @opentelemetry/otlp-transformer: the transformer only serialises (its generated code is
 * internal and has no public decoder); protobufjs is the maintained library it is built on.
 */
import { lazyModule } from '../../lazy-module';

/** Loaded, and the types built, with the first OTLP message (lazy-module.ts). */
const protobuf = lazyModule<typeof import('protobufjs/light.js')>('protobufjs/light.js');

const kv = { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } };

const descriptor = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
        KeyValue: { fields: kv },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
          },
        },
        Resource: { fields: { attributes: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'AnyValue', id: 5 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 6 },
            droppedAttributesCount: { type: 'uint32', id: 7 },
            flags: { type: 'fixed32', id: 8 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            eventName: { type: 'string', id: 12 },
          },
        },
        ScopeLogs: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        ResourceLogs: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        ExportLogsServiceRequest: {
          fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } },
        },
        ExportLogsPartialSuccess: {
          fields: {
            rejectedLogRecords: { type: 'int64', id: 1 },
            errorMessage: { type: 'string', id: 2 },
          },
        },
        ExportLogsServiceResponse: {
          fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } },
        },
        Status: {
          fields: { code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } },
        },
      },
    },
  },
};

type OtlpType = 'request' | 'response' | 'status' | 'resource' | 'scope' | 'anyValue';
let types: Record<OtlpType, import('protobufjs/light.js').Type> | null = null;

function otlpTypes(): NonNullable<typeof types> {
  if (!types) {
    const root = protobuf().Root.fromJSON(descriptor);
    types = {
      request: root.lookupType('otlp.ExportLogsServiceRequest'),
      response: root.lookupType('otlp.ExportLogsServiceResponse'),
      status: root.lookupType('otlp.Status'),
      resource: root.lookupType('otlp.Resource'),
      scope: root.lookupType('otlp.InstrumentationScope'),
      anyValue: root.lookupType('otlp.AnyValue'),
    };
  }
  return types;
}

/** Decodes an ExportLogsServiceRequest. @throws Error (from protobufjs) on malformed bytes. */
export function decodeRequestProto(body: Uint8Array): unknown {
  return otlpTypes().request.decode(body);
}

/** Parts for the wire reader (wire-records.ts), which leaves what is rare or shared to protobufjs. */
export const decodeResource = (bytes: Uint8Array): unknown => otlpTypes().resource.decode(bytes);
export const decodeScope = (bytes: Uint8Array): unknown => otlpTypes().scope.decode(bytes);
export const decodeAnyValue = (bytes: Uint8Array): unknown => otlpTypes().anyValue.decode(bytes);

/** Encodes an ExportLogsServiceRequest from its JSON-shaped object (tests, bench). */
export function encodeRequestProto(request: object): Uint8Array {
  const { request: type } = otlpTypes();
  return type.encode(type.fromObject(request)).finish();
}

export function encodeResponseProto(rejected: number, errorMessage: string): Uint8Array {
  const message =
    rejected > 0 || errorMessage
      ? { partialSuccess: { rejectedLogRecords: rejected, errorMessage } }
      : {};
  const { response } = otlpTypes();
  return response.encode(response.fromObject(message)).finish();
}

/** google.rpc.Status, the body of an OTLP error response. */
export function encodeStatusProto(code: number, message: string): Uint8Array {
  const { status } = otlpTypes();
  return status.encode(status.fromObject({ code, message })).finish();
}
