/**
 * Docker's containers as its json-file log driver leaves them on disk:
 * `<root>/<id>/<id>-json.log` (rotated to `.1`, `.2`, … by Docker itself) beside
 * `config.v2.json`, which holds the name (`Name`, with a leading `/`), the image
 * (`Config.Image`) and the labels (`Config.Labels`). A folder without a readable config is
 * skipped until it has one (Docker writes it at creation); a malformed one is reported.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import picomatch from 'picomatch';

export interface Container {
  runtime: 'docker' | 'podman';
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  dir: string;
  /** The glob of its log and Docker's rotated copies. */
  logGlob: string;
}

const ID = /^[0-9a-f]{64}$/;

/** Docker's containers under `roots`, named by `nameOf` (the Engine API's) where the config has no name. */
export async function findContainers(
  roots: string[],
  names: string[],
  onError: (message: string) => void,
  nameOf: (id: string) => string | undefined = () => undefined,
): Promise<Container[]> {
  const wanted = names.length > 0 ? picomatch(names) : () => true;
  const out: Container[] = [];
  for (const root of roots) {
    let entries: string[];
    try {
      entries = await readdir(root);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') onError(`cannot list ${root}: ${(err as Error).message}`);
      continue;
    }
    for (const id of entries) {
      if (!ID.test(id)) continue;
      const c = await readContainer(join(root, id), id, onError, nameOf(id));
      if (c && wanted(c.name)) out.push(c);
    }
  }
  return out;
}

async function readContainer(
  dir: string,
  id: string,
  onError: (message: string) => void,
  knownName: string | undefined,
): Promise<Container | null> {
  const path = join(dir, 'config.v2.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  let config: { Name?: unknown; Config?: { Image?: unknown; Labels?: unknown } };
  try {
    config = JSON.parse(text) as typeof config;
  } catch (err) {
    onError(`malformed ${path}: ${(err as Error).message}`);
    return null;
  }
  const labels: Record<string, string> = {};
  const raw = config.Config?.Labels;
  if (raw && typeof raw === 'object')
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels[k] = v;
  const name = typeof config.Name === 'string' ? config.Name.replace(/^\//, '') : '';
  return {
    runtime: 'docker',
    id,
    name: name || knownName || id.slice(0, 12),
    image: typeof config.Config?.Image === 'string' ? config.Config.Image : '',
    labels,
    dir,
    logGlob: join(dir, `${id}-json.log*`),
  };
}
