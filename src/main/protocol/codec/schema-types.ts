/**
 * The shape of Kafka's JSON message schemas (`clients/src/main/resources/common/message/`),
 * as kept by the generator in `../generated/schemas.ts` (comments and `about` texts
 * stripped). The codec in ./compile.ts interprets these, version by version.
 */

export interface FieldSchema {
  name: string;
  /** `int8..int64`, `uint16`, `uint32`, `float64`, `bool`, `string`, `bytes`, `records`, `uuid`, `[]T`, or a struct name. */
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  /** Overrides the message's flexibleVersions (only the request header's ClientId does). */
  flexibleVersions?: string;
  default?: string | number | boolean;
  ignorable?: boolean;
  mapKey?: boolean;
  /** Inline struct fields; absent when the type names a common struct. */
  fields?: FieldSchema[];
}

export interface StructSchema {
  name: string;
  versions: string;
  fields: FieldSchema[];
}

export interface MessageSchema {
  apiKey?: number;
  type: 'request' | 'response' | 'header' | 'data';
  name: string;
  validVersions: string;
  deprecatedVersions?: string;
  flexibleVersions: string;
  fields: FieldSchema[];
  commonStructs?: StructSchema[];
}
