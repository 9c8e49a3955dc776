/**
 * Records from a decoded ExportLogsServiceRequest: OTLP/JSON after JSON.parse, or protobuf
 * decoded by protobufjs (used with `fields: value`, which needs every value as data).
 * values.ts reads both shapes; records.ts writes the records.
 */
import { Text } from './batch-writer';
import {
  LogFields,
  RequestRecords,
  nsToMs,
  severityLevel,
  type ResourceInfo,
  type ScopeInfo,
} from './records';
import {
  anyValue,
  asText,
  attributes,
  bytes,
  has,
  int64,
  list,
  obj,
  str,
  type Obj,
} from './values';

/** @throws OtlpInputError when the request is not an ExportLogsServiceRequest. */
export function addObjectRecords(request: unknown, out: RequestRecords): void {
  const fields = new LogFields();
  const req = obj(request, 'request');
  list(req, 'resourceLogs', 'request').forEach((rl, ri) => {
    const where = `resourceLogs[${ri}]`;
    const rlo = obj(rl, where);
    const res = out.resource(
      has(rlo, 'resource')
        ? attributes(list(obj(rlo.resource, where), 'attributes', `${where}.resource`), where)
        : {},
    );
    list(rlo, 'scopeLogs', where).forEach((sl, si) => {
      const swhere = `${where}.scopeLogs[${si}]`;
      const slo = obj(sl, swhere);
      const scope = has(slo, 'scope') ? obj(slo.scope, swhere) : {};
      const info = out.scope(str(scope, 'name', swhere), str(scope, 'version', swhere));
      list(slo, 'logRecords', swhere).forEach((lr, li) => {
        const index = out.nextIndex();
        if (index < 0) return;
        const record = obj(lr, `${swhere}.logRecords[${li}]`);
        if (out.o.fields === 'headers') {
          readFields(record, index, fields);
          out.addFields(index, fields, res, info);
        } else {
          addValueRecord(record, index, out, res, info);
        }
      });
    });
  });
}

function readFields(lr: Obj, index: number, f: LogFields): void {
  const where = `logRecord ${index}`;
  f.reset();
  f.timeNs = int64(lr, 'timeUnixNano', where);
  f.observedNs = int64(lr, 'observedTimeUnixNano', where);
  f.severityNumber = int64(lr, 'severityNumber', where);
  f.severityText.setText(str(lr, 'severityText', where));
  const traceId = bytes(lr, 'traceId', where, 'hex');
  f.traceId.setBytes(traceId, 0, traceId.length);
  const spanId = bytes(lr, 'spanId', where, 'hex');
  f.spanId.setBytes(spanId, 0, spanId.length);
  f.flags = int64(lr, 'flags', where);
  f.eventName.setText(str(lr, 'eventName', where));
  // Each KeyValue in order, a repeated key (which OTLP forbids) repeated, as the wire reader does.
  const kvs = list(lr, 'attributes', where);
  for (let k = 0; k < kvs.length; k++) {
    const kv = obj(kvs[k], `${where}.attributes[${k}]`);
    const key = str(kv, 'key', `${where}.attributes[${k}]`);
    const i = f.addAttribute();
    f.attrKeys[i].setText(key);
    f.attrValues[i].setText(
      asText(has(kv, 'value') ? anyValue(kv.value, `${where}.attributes.${key}`) : null),
    );
  }
  const body = has(lr, 'body') ? anyValue(lr.body, `${where}.body`) : null;
  f.hasBody = body !== null;
  if (body !== null) f.body.setText(asText(body));
}

function addValueRecord(
  lr: Obj,
  index: number,
  out: RequestRecords,
  res: ResourceInfo,
  scope: ScopeInfo,
): void {
  const where = `logRecord ${index}`;
  const timeNs = int64(lr, 'timeUnixNano', where);
  const observedNs = int64(lr, 'observedTimeUnixNano', where);
  const severityNumber = int64(lr, 'severityNumber', where);
  const severityText = str(lr, 'severityText', where);
  const traceId = bytes(lr, 'traceId', where, 'hex');
  const spanId = bytes(lr, 'spanId', where, 'hex');
  if (traceId.length !== 0 && traceId.length !== 16)
    return out.reject(`${where}: trace id of ${traceId.length} bytes (16 expected)`);
  if (spanId.length !== 0 && spanId.length !== 8)
    return out.reject(`${where}: span id of ${spanId.length} bytes (8 expected)`);
  const flags = int64(lr, 'flags', where);
  const eventName = str(lr, 'eventName', where);
  const timestamp = out.timestamp(timeNs, observedNs);
  const json = JSON.stringify({
    timestamp: new Date(timestamp).toISOString(),
    observedTimestamp: observedNs > 0 ? new Date(nsToMs(observedNs)).toISOString() : undefined,
    severityNumber: severityNumber || undefined,
    severityText: severityText || undefined,
    level: severityLevel(severityNumber, severityText),
    body: has(lr, 'body') ? anyValue(lr.body, `${where}.body`) : null,
    attributes: attributes(list(lr, 'attributes', where), `${where}.attributes`),
    resource: res.resource,
    scope: scope.name ? { name: scope.name, version: scope.version } : undefined,
    traceId: traceId.length > 0 ? traceId.toString('hex') : undefined,
    spanId: spanId.length > 0 ? spanId.toString('hex') : undefined,
    flags: flags || undefined,
    eventName: eventName || undefined,
  });
  out.addValue(
    index,
    res,
    timestamp,
    { number: severityNumber, text: new Text().setText(severityText) },
    json,
  );
}
