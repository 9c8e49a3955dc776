/**
 * Podman's containers as its storage leaves them (containers/storage): the folder
 * `overlay-containers` holds `containers.json`, an array of `{id, names, image, metadata}`
 * where `metadata` is a JSON string with `image-name` and `name`, and one folder per
 * container whose `userdata/ctr.log` is the k8s-file log (Podman's default log driver
 * where there is no journald) and `userdata/config.json` the OCI runtime config, whose
 * `annotations` are kept as labels. `podman run --label`s are not in any of these files
 * (only in libpod's SQLite/BoltDB database; docs/collectors.md): they come from Podman's
 * API socket where its service runs (containers-source.ts, docker-engine.ts). A missing
 * folder is skipped; a malformed `containers.json` is reported.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import picomatch from 'picomatch';
import type { Container } from './discovery';

const ID = /^[0-9a-f]{64}$/;

interface StoredContainer {
  id?: unknown;
  names?: unknown;
  metadata?: unknown;
}

/** `~/x` → the home folder's `x`. */
export function expandHome(path: string): string {
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export async function findPodmanContainers(
  roots: string[],
  names: string[],
  onError: (message: string) => void,
): Promise<Container[]> {
  const wanted = names.length > 0 ? picomatch(names) : () => true;
  const out: Container[] = [];
  for (const root of roots.map(expandHome)) {
    const stored = await readStore(join(root, 'containers.json'), onError);
    for (const s of stored) {
      if (typeof s.id !== 'string' || !ID.test(s.id)) continue;
      const c = await toContainer(root, s.id, s);
      if (wanted(c.name)) out.push(c);
    }
  }
  return out;
}

async function readStore(
  path: string,
  onError: (message: string) => void,
): Promise<StoredContainer[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') onError(`cannot read ${path}: ${(err as Error).message}`);
    return [];
  }
  try {
    const list: unknown = JSON.parse(text);
    if (!Array.isArray(list)) throw new Error('not an array');
    return list.filter((x): x is StoredContainer => x !== null && typeof x === 'object');
  } catch (err) {
    onError(`malformed ${path}: ${(err as Error).message}`);
    return [];
  }
}

async function toContainer(root: string, id: string, s: StoredContainer): Promise<Container> {
  const meta = parseObject(typeof s.metadata === 'string' ? s.metadata : '{}');
  const first = Array.isArray(s.names) && typeof s.names[0] === 'string' ? s.names[0] : '';
  const name = first || (typeof meta['name'] === 'string' ? meta['name'] : '') || id.slice(0, 12);
  const dir = join(root, id, 'userdata');
  const oci = parseObject(await readFile(join(dir, 'config.json'), 'utf8').catch(() => '{}'));
  const labels: Record<string, string> = {};
  const annotations = oci['annotations'];
  if (annotations && typeof annotations === 'object')
    for (const [k, v] of Object.entries(annotations)) if (typeof v === 'string') labels[k] = v;
  return {
    runtime: 'podman',
    id,
    name,
    image: typeof meta['image-name'] === 'string' ? meta['image-name'] : '',
    labels,
    dir,
    logGlob: join(dir, 'ctr.log*'),
  };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
