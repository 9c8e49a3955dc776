import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVersions } from '../../../../src/main/protocol/codec/compile';
import { renderTypes } from '../../../../src/main/protocol/codegen/types';
import { SCHEMAS } from '../../../../src/main/protocol/generated/schemas';

const committed = readFileSync(
  join(__dirname, '../../../../src/main/protocol/generated/types.ts'),
  'utf8',
);
const typeNames = (text: string) =>
  [...text.matchAll(/^export type (\w+) =/gm)].map((m) => m[1]).sort();

describe('generated protocol types', () => {
  it('has one type per version of every served request and response, and the handler shape', () => {
    const text = renderTypes(SCHEMAS);
    for (const m of Object.values(SCHEMAS)) {
      if (m.type !== 'request' && m.type !== 'response') continue;
      const [from, to] = parseVersions(m.validVersions)!;
      for (let v = from; v <= to; v++) expect(text).toContain(`export type ${m.name}V${v} =`);
      expect(text).toContain(`export type ${m.name} =`);
    }
  });

  it('types fields as the codec decodes them: nullable where a version allows null', () => {
    const text = renderTypes(SCHEMAS);
    expect(text).toMatch(/export type JoinGroupRequest = \{[^}]*groupInstanceId: string \| null;/);
    expect(text).toMatch(/export type JoinGroupRequestV4 = \{[^}]*memberId: string;[^}]*\}/);
    expect(text).not.toMatch(/export type JoinGroupRequestV4 = \{[^}]*groupInstanceId/);
    expect(text).toMatch(/export type FetchResponse = \{[^}]*throttleTimeMs\?: number;/);
  });

  it('is committed as generated from the committed schemas (npm run codegen:protocol)', () => {
    expect(typeNames(committed)).toEqual(typeNames(renderTypes(SCHEMAS)));
  });
});
