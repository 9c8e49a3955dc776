import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './import-graph';

const eslint = new ESLint({ cwd: ROOT });

/** The no-restricted-imports messages ESLint gives `code` as if it were the file `filePath`. */
async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the import boundaries npm run lint checks', () => {
  it.each([
    ['src/common/api/x.ts', "import { a } from '../../main/broker';", 'src/common, src/renderer'],
    [
      'src/renderer/src/views/X/x.ts',
      "import { a } from '../../../../main/collectors/manager';",
      'import nothing from src/main',
    ],
    ['src/main/storage/x.ts', "import { a } from '../logger';", 'only storage modules'],
    ['src/main/broker/x.ts', "import { a } from '../cli/support';", 'no CLI, headless'],
    ['src/main/broker/x.ts', "import { a } from '../protocol/server';", 'no CLI, headless'],
    ['src/main/collectors/x.ts', "import { a } from '../protocol/server';", 'Kafka protocol'],
    ['src/main/collectors/otlp/x.ts', "import { a } from '../../broker/broker';", 'Cluster'],
    ['src/main/api/x.ts', "import type { Broker } from '../broker';", 'Cluster interface'],
    ['src/main/search/x.ts', "import { a } from '../broker/api';", 'Cluster interface'],
    ['src/main/shipping/x.ts', "import { a } from '../broker/broker';", 'Cluster interface'],
    ['src/main/remote/x.ts', "import { a } from '../broker/murmur2';", 'Cluster interface'],
    ['src/main/kafka/x.ts', "import { a } from '../broker/broker';", 'Kafka-level definitions'],
    ['src/main/kafka/x.ts', "import { a } from '../remote/cluster';", 'Kafka-level definitions'],
    ['src/main/metrics/x.ts', "import { app } from 'electron';", 'may import electron'],
  ])('refuses in %s: %s', async (filePath, code, why) => {
    const messages = await restrictedImports(filePath, `${code}\nexport const used = a;\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(why);
  });

  it.each([
    ['src/main/storage/x.ts', "import { a } from '../../common/errors';"],
    ['src/main/storage/x.ts', "import { a } from './segment';"],
    ['src/main/storage/x.ts', "import { a } from '../fs/atomic-file';"],
    ['src/main/api/x.ts', "import type { Cluster } from '../cluster';"],
    ['src/main/remote/x.ts', "import { a } from '../kafka/murmur2';"],
    ['src/main/broker/x.ts', "import { a } from '../kafka/topic-configs';"],
    ['src/main/broker/x.ts', "import { a } from '../storage';"],
    ['src/renderer/src/x.ts', "import { a } from '../../common/api/contract';"],
  ])('allows in %s: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, `${code}\nexport const used = a;\n`)).toEqual([]);
  });
});
