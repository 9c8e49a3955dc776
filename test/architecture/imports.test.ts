import { describe, expect, it } from 'vitest';
import { importsOf, importCycles, sourceFiles } from './import-graph';

const files = () => [
  ...sourceFiles('src/main'),
  ...sourceFiles('src/common'),
  ...sourceFiles('src/preload'),
];

describe('the import graph', () => {
  it('has no import cycles in src/main, src/common and src/preload', () => {
    expect(importCycles(files(), { typeImports: true })).toEqual([]);
  });

  it('finds a cycle of two files and tells a run-time import from a type-only one', () => {
    const graph = {
      'a.ts': "import { b } from './b';\nexport const a = 1;",
      'b.ts': "import type { a } from './a';\nexport const b = 2;",
      'c.ts': "import { d } from './d';",
      'd.ts': "export { c } from './c';",
    };
    const read = (f: string) => graph[f as keyof typeof graph];
    const options = { read, exists: (f: string) => f in graph };
    expect(importsOf('b.ts', read('b.ts'), options)).toEqual([
      { to: 'a.ts', specifier: './a', runTime: false },
    ]);
    expect(importCycles(Object.keys(graph), options)).toEqual([['c.ts', 'd.ts', 'c.ts']]);
    expect(importCycles(Object.keys(graph), { ...options, typeImports: true })).toEqual([
      ['a.ts', 'b.ts', 'a.ts'],
      ['c.ts', 'd.ts', 'c.ts'],
    ]);
  });
});
