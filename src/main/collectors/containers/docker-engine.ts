/**
 * The Docker Engine API on its unix socket (`/var/run/docker.sock`), or Podman's
 * Docker-compatible one (`podman system service`), where it exists:
 * `GET /containers/json?all=1` gives the names, images and labels of the containers
 * there are (Podman keeps `podman run --label`s nowhere else but its database), and the
 * `GET /events` stream (container events only, one JSON object per line) tells of those
 * created, started, renamed or removed later, so the containers source scans at once
 * instead of at its next period, and knows their names even where `config.v2.json`
 * has none yet. Only this subset of the API is used. A missing socket or a broken
 * stream is retried every 5 s; the source works without it (its scan finds containers
 * from their folders).
 */
import { request, type IncomingMessage } from 'node:http';

const RETRY_MS = 5000;
/** Container events after which the folders are scanned again. */
const RESCAN = new Set(['create', 'start', 'rename', 'destroy', 'die']);
/** Events whose `Actor.Attributes` are the container's labels besides these keys (Docker's and Podman's). */
const LABELLED = new Set(['create', 'start']);
const NOT_LABELS = new Set(['name', 'image', 'exitCode', 'containerExitCode', 'signal', 'podId']);

/** What the Engine says of one container; each field where it said it. */
export interface EngineContainer {
  name?: string;
  image?: string;
  labels?: Record<string, string>;
}

interface EngineEvents {
  onChange: () => void;
  onError: (message: string) => void;
}

export class DockerEngine {
  /** Container id → its name (without Docker's leading `/`), image and labels. */
  readonly known = new Map<string, EngineContainer>();
  private response: IncomingMessage | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly socketPath: string,
    private readonly events: EngineEvents,
  ) {}

  /** Lists the containers and starts following events; never throws (retries later instead). */
  async start(): Promise<void> {
    try {
      await this.list();
      this.follow();
    } catch (err) {
      this.retry(`Docker Engine at ${this.socketPath}: ${(err as Error).message}`);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.response?.destroy();
  }

  private retry(message: string): void {
    if (this.closed) return;
    this.events.onError(`${message}; retrying in ${RETRY_MS / 1000} s`);
    this.timer = setTimeout(() => void this.start(), RETRY_MS);
    this.timer.unref();
  }

  private async list(): Promise<void> {
    const res = await this.get('/containers/json?all=1');
    const body = await readBody(res);
    const list: unknown = JSON.parse(body);
    if (!Array.isArray(list)) throw new Error('/containers/json did not answer an array');
    for (const c of list as {
      Id?: unknown;
      Names?: unknown;
      Image?: unknown;
      Labels?: unknown;
    }[]) {
      if (c === null || typeof c !== 'object' || typeof c.Id !== 'string') continue;
      const name: unknown = Array.isArray(c.Names) ? c.Names[0] : undefined;
      this.update(c.Id, name, c.Image, strings(c.Labels));
    }
  }

  /** Keeps what is a string of what the Engine said of container `id`. */
  private update(id: string, name: unknown, image: unknown, labels?: Record<string, string>): void {
    const k = { ...this.known.get(id) };
    if (typeof name === 'string' && name) k.name = name.replace(/^\//, '');
    if (typeof image === 'string' && image) k.image = image;
    if (labels) k.labels = labels;
    this.known.set(id, k);
  }

  private follow(): void {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'] }));
    this.get(`/events?filters=${filters}`).then(
      (res) => {
        if (this.closed) return void res.destroy();
        this.response = res;
        let rest = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop()!;
          for (const line of lines) if (line.trim()) this.onEvent(line);
        });
        res.on('close', () => this.retry(`Docker Engine event stream ended`));
      },
      (err: Error) => this.retry(`Docker Engine events: ${err.message}`),
    );
  }

  private onEvent(line: string): void {
    let e: {
      id?: unknown;
      Action?: unknown;
      status?: unknown;
      Actor?: { ID?: unknown; Attributes?: Record<string, unknown> };
    };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      this.events.onError(`Docker Engine sent an event that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    const id = typeof e.Actor?.ID === 'string' ? e.Actor.ID : e.id;
    const action = typeof e.Action === 'string' ? e.Action : e.status;
    const attrs = e.Actor?.Attributes;
    if (typeof id !== 'string' || typeof action !== 'string') return;
    if (attrs && typeof attrs === 'object') {
      const labels = LABELLED.has(action) ? strings(attrs, NOT_LABELS) : undefined;
      this.update(id, attrs.name, attrs.image, labels);
    }
    if (RESCAN.has(action)) this.events.onChange();
  }

  private get(path: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path, method: 'GET' }, (res) => {
        // The timeout is for the answer to begin: the event stream may then be idle for hours.
        req.setTimeout(0);
        if (res.statusCode === 200) return resolve(res);
        res.resume();
        reject(new Error(`GET ${path} answered ${res.statusCode}`));
      });
      req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }
}

/** The string values of an object, but for the keys in `skip`; nothing if it is no object. */
function strings(o: unknown, skip?: Set<string>): Record<string, string> | undefined {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string' && !skip?.has(k)) out[k] = v;
  return out;
}

/** The body of a response, up to 16 MiB. */
function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 16 * 1024 * 1024) res.destroy(new Error('answer larger than 16 MiB'));
      else chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}
