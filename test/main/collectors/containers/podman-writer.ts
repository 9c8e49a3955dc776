/**
 * A Podman container as its storage leaves it (containers/storage): an entry in
 * `<root>/containers.json` (`id`, `names`, `image`, `metadata` as a JSON string with
 * `image-name` and `name`), `<root>/<id>/userdata/config.json` (the OCI runtime config,
 * with `annotations`) and the k8s-file log `<root>/<id>/userdata/ctr.log`, one line per
 * write: `<RFC 3339 nano time> stdout|stderr F|P <text>`, a long line split into `P`
 * parts closed by an `F` part, as conmon writes them.
 */
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export class PodmanContainer {
  readonly id = randomBytes(32).toString('hex');
  readonly dir: string;
  private fd: number;

  constructor(
    readonly root: string,
    readonly name: string,
    opts: { image?: string; annotations?: Record<string, string> } = {},
  ) {
    this.dir = join(root, this.id, 'userdata');
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(
      join(this.dir, 'config.json'),
      JSON.stringify({ ociVersion: '1.0.2-dev', annotations: opts.annotations ?? {} }),
    );
    const store = join(root, 'containers.json');
    const list = existsSync(store) ? (JSON.parse(readFileSync(store, 'utf8')) as unknown[]) : [];
    list.push({
      id: this.id,
      names: [name],
      image: randomBytes(32).toString('hex'),
      layer: randomBytes(32).toString('hex'),
      metadata: JSON.stringify({
        'image-name': opts.image ?? 'docker.io/library/alpine:latest',
        name,
        'created-at': 1796605323,
      }),
      created: new Date().toISOString(),
    });
    writeFileSync(`${store}.tmp`, JSON.stringify(list));
    renameSync(`${store}.tmp`, store);
    this.fd = openSync(this.log, 'a');
  }

  get log(): string {
    return join(this.dir, 'ctr.log');
  }

  /** Appends lines as conmon does; a line longer than `split` goes out in P parts. */
  write(
    lines: string[],
    stream: 'stdout' | 'stderr' = 'stdout',
    time = new Date(),
    split = Infinity,
  ): void {
    const t = time.toISOString().replace('Z', '456789+00:00');
    let text = '';
    for (const l of lines) {
      for (let i = 0; i + split < l.length; i += split)
        text += `${t} ${stream} P ${l.slice(i, i + split)}\n`;
      const tail = split === Infinity ? l : l.slice(Math.floor((l.length - 1) / split) * split);
      text += `${t} ${stream} F ${tail}\n`;
    }
    writeSync(this.fd, text);
  }

  close(): void {
    closeSync(this.fd);
  }
}
