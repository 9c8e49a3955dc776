/**
 * The APIs Logdock's Kafka listener serves, the versions it advertises, and cached codecs
 * for every (API, version) compiled from Kafka's schemas (../generated/schemas.ts).
 *
 * Request header: v2 (flexible, tagged fields after ClientId) when the request version is
 * flexible, otherwise v1. Response header: v1 (tagged fields after CorrelationId) when
 * the response version is flexible, otherwise v0 — except ApiVersions, which always uses
 * v0 so that a client that does not yet know our versions can parse it.
 */
import { LogdockError } from '../../../common/errors';
import { SCHEMAS } from '../generated/schemas';
import { compileMessage, inVersions, parseVersions, type Codec, type Struct } from './compile';
import { Reader } from './reader';
import { Writer } from './writer';
import type { MessageSchema } from './schema-types';

export interface ApiSpec {
  name: string;
  key: number;
  minVersion: number;
  /** The highest version we advertise (may be below the schema's newest). */
  maxVersion: number;
  request: MessageSchema;
  response: MessageSchema;
}

/**
 * Advertised maxima. Where we stop below the schema's newest version it is because the
 * next version needs something a single-node, topic-name-keyed log does not have (topic
 * KIP-848 in OffsetCommit 9/OffsetFetch 9, etc.).
 */
const ADVERTISED: Record<string, number> = {
  Produce: 11,
  Fetch: 17,
  ListOffsets: 8,
  Metadata: 12,
  OffsetCommit: 8,
  OffsetFetch: 8,
  FindCoordinator: 4,
  JoinGroup: 9,
  Heartbeat: 4,
  LeaveGroup: 5,
  SyncGroup: 5,
  DescribeGroups: 5,
  ListGroups: 4,
  SaslHandshake: 1,
  ApiVersions: 3,
  CreateTopics: 7,
  DeleteTopics: 6,
  DeleteRecords: 2,
  InitProducerId: 4,
  DescribeConfigs: 4,
  AlterConfigs: 2,
  DescribeLogDirs: 4,
  SaslAuthenticate: 2,
  CreatePartitions: 3,
  DeleteGroups: 2,
  IncrementalAlterConfigs: 1,
  OffsetDelete: 0,
  DescribeCluster: 1,
};

export const API_KEYS = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  SaslAuthenticate: 36,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
  OffsetDelete: 47,
  DescribeCluster: 60,
} as const;

export type ApiName = keyof typeof API_KEYS;

function buildApis(): Map<number, ApiSpec> {
  const apis = new Map<number, ApiSpec>();
  for (const [name, maxVersion] of Object.entries(ADVERTISED)) {
    const request = SCHEMAS[`${name}Request`];
    const response = SCHEMAS[`${name}Response`];
    const range = parseVersions(request.validVersions);
    if (!range || request.apiKey === undefined || maxVersion > range[1]) {
      throw new LogdockError(
        'INTERNAL',
        `protocol: schema for ${name} does not cover v${maxVersion}`,
      );
    }
    apis.set(request.apiKey, {
      name,
      key: request.apiKey,
      minVersion: range[0],
      maxVersion,
      request,
      response,
    });
  }
  return apis;
}

export const APIS: ReadonlyMap<number, ApiSpec> = buildApis();

const cache = new Map<string, Codec>();

function codecFor(schema: MessageSchema, version: number): Codec {
  const id = `${schema.name}:${version}`;
  let codec = cache.get(id);
  if (!codec) {
    codec = compileMessage(schema, version);
    cache.set(id, codec);
  }
  return codec;
}

export function requestCodec(api: ApiSpec, version: number): Codec {
  return codecFor(api.request, version);
}

export function responseCodec(api: ApiSpec, version: number): Codec {
  return codecFor(api.response, version);
}

export function isFlexibleRequest(api: ApiSpec, version: number): boolean {
  return inVersions(api.request.flexibleVersions, version);
}

export function requestHeaderVersion(api: ApiSpec, version: number): number {
  return isFlexibleRequest(api, version) ? 2 : 1;
}

export function responseHeaderVersion(api: ApiSpec, version: number): number {
  if (api.key === API_KEYS.ApiVersions) return 0;
  return inVersions(api.response.flexibleVersions, version) ? 1 : 0;
}

export interface RequestHeader {
  requestApiKey: number;
  requestApiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/**
 * Reads the request header. The first 8 bytes (key, version, correlation id) are the same
 * in every header version; we read them first to pick the header version. Throws
 * INVALID_ARGUMENT on truncated input. `api` is undefined for an unknown API key.
 */
export function readRequestHeader(r: Reader): { header: RequestHeader; api: ApiSpec | undefined } {
  const requestApiKey = r.readInt16('RequestHeader.RequestApiKey');
  const requestApiVersion = r.readInt16('RequestHeader.RequestApiVersion');
  const correlationId = r.readInt32('RequestHeader.CorrelationId');
  const api = APIS.get(requestApiKey);
  const clientId = r.readNullableString('RequestHeader.ClientId');
  const header = { requestApiKey, requestApiVersion, correlationId, clientId };
  if (api && requestApiVersion >= api.minVersion && requestApiVersion <= api.maxVersion) {
    if (requestHeaderVersion(api, requestApiVersion) >= 2) skipTaggedFields(r, 'RequestHeader');
  }
  return { header, api };
}

export function skipTaggedFields(r: Reader, what: string): void {
  const n = r.readTaggedCount(`${what} tagged fields`);
  for (let i = 0; i < n; i++) {
    r.readUVarint(`${what} tag`);
    r.skip(r.readUVarint(`${what} tag size`), `${what} tagged field`);
  }
}

export function writeRequestHeader(
  w: Writer,
  api: ApiSpec,
  version: number,
  correlationId: number,
  clientId: string | null,
): void {
  w.writeInt16(api.key).writeInt16(version).writeInt32(correlationId).writeNullableString(clientId);
  if (requestHeaderVersion(api, version) >= 2) w.writeUVarint(0);
}

/** Decodes a request body; throws INVALID_ARGUMENT when malformed or with bytes left over. */
export function decodeRequest(api: ApiSpec, version: number, r: Reader): Struct {
  const body = requestCodec(api, version).read(r);
  return body;
}

/** Encodes a whole response frame (size prefix, header, body) as chunks for the socket. */
export function encodeResponse(
  api: ApiSpec,
  version: number,
  correlationId: number,
  body: Struct,
): Buffer[] {
  const w = new Writer(512);
  w.writeInt32(0); // size, patched below
  w.writeInt32(correlationId);
  if (responseHeaderVersion(api, version) >= 1) w.writeUVarint(0);
  responseCodec(api, version).write(w, body);
  const chunks = w.toChunks();
  chunks[0].writeInt32BE(w.length - 4, 0);
  return chunks;
}

/** Encodes a request frame (used by tests, the fuzzer and the benchmark's own client). */
export function encodeRequest(
  api: ApiSpec,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: Struct,
): Buffer {
  const w = new Writer(512);
  w.writeInt32(0);
  writeRequestHeader(w, api, version, correlationId, clientId);
  requestCodec(api, version).write(w, body);
  const buf = w.toBuffer();
  buf.writeInt32BE(buf.length - 4, 0);
  return buf;
}

/** Decodes a response frame body (after the size prefix); used by tests and the benchmark. */
export function decodeResponse(
  api: ApiSpec,
  version: number,
  frame: Buffer,
): { correlationId: number; body: Struct } {
  const r = new Reader(frame);
  const correlationId = r.readInt32('ResponseHeader.CorrelationId');
  if (responseHeaderVersion(api, version) >= 1) skipTaggedFields(r, 'ResponseHeader');
  const body = responseCodec(api, version).read(r);
  return { correlationId, body };
}

export function apiByName(name: ApiName): ApiSpec {
  const api = APIS.get(API_KEYS[name]);
  if (!api) throw new LogdockError('INTERNAL', `protocol: API ${name} not registered`);
  return api;
}
