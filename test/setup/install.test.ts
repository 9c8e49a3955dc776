import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What a fresh `npm ci` on any platform and a newcomer reading the README depend on.
const root = resolve(__dirname, '../..');
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(resolve(root, file), 'utf8')) as Record<string, unknown>;

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

describe('installing Logdock', () => {
  it('locks every optional package of every locked package, so npm ci works on every platform', () => {
    const packages = readJson('package-lock.json').packages as Record<string, LockEntry>;
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        // npm resolves a dependency in the package's own node_modules first, then at the top.
        const nested = `${path}/node_modules/${name}`;
        if (!packages[nested] && !packages[`node_modules/${name}`])
          missing.push(`${name} (of ${path || 'logdock'})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('states in the README the Node versions package.json supports', () => {
    const engines = (readJson('package.json').engines as { node: string }).node;
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${engines}`);
  });

  it('installs with npm ci in CI, which refuses a lock file out of step with package.json', () => {
    const ci = readFileSync(resolve(root, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).not.toMatch(/^npm install\b/m);
  });
});
