import { describe, expect, it } from 'vitest';
import { fieldOf } from '../../../src/common/fields';
import { topLevelJsonField, UNSURE } from '../../../src/main/search/json-field';

const read = (text: string, name: string) =>
  topLevelJsonField(Buffer.from(text), Buffer.from(name));

describe('topLevelJsonField', () => {
  it('reads what the shared field parser reads, for every kind of scalar', () => {
    const lines = [
      '{"svc":"billing","n":3}',
      ' { "n" : 1.50 , "svc" : "a b" }',
      '{"svc":"quote \\" and \\\\ slash","x":1}',
      '{"svc":"é ü 日本"}',
      '{"svc":-2e3}',
      '{"svc":true,"y":null}',
      '{"svc":null}',
      '{"a":{"svc":"nested"},"svc":"top"}',
      '{"a":["svc", {"svc":1}],"b":"svc"}',
      '{"msg":"the \\"svc\\": word","svc":"real"}',
      '{"svcx":"no","xsvc":"no"}',
      '{"svc":{"inner":1}}',
    ];
    for (const line of lines) expect(read(line, 'svc'), line).toBe(fieldOf(line, 'svc'));
  });

  it('leaves what it cannot be sure of to the slow path', () => {
    expect(read('{"svc":"cut sho', 'svc')).toBe(UNSURE);
    expect(read('{"svc":[1,2]}', 'svc')).toBe(UNSURE);
    expect(read('svc=a other=b', 'svc')).toBe(UNSURE);
    expect(read('{"a":"b"', 'svc')).toBe(UNSURE);
  });
});
