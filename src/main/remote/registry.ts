import { join } from 'node:path';
import { z } from 'zod';
import {
  clusterInputSchema,
  LOCAL_CLUSTER,
  type ClusterInput,
  type ClusterView,
  type SecurityInput,
} from '../../common/api/clusters';
import { LogdockError } from '../../common/errors';
import { writeFileAtomic } from '../fs/atomic-file';
import { readJsonFile, serialQueue } from './files';
import { SecretStore } from './secrets';

export const CLUSTERS_FILE = 'clusters.json';

/** clusters.json: the remote clusters without their secrets (those are in SecretStore). */
const clustersFileSchema = z.object({
  version: z.literal(1),
  clusters: z.array(clusterInputSchema),
});

type Secrets = { password?: string; keyPassphrase?: string };

const secretId = (cluster: string, field: keyof Secrets) =>
  field === 'password' ? `${cluster}/sasl.password` : `${cluster}/tls.keyPassphrase`;

/** The change a `clusters.update` makes. */
export type ClusterPatch = Partial<Omit<ClusterInput, 'name'>> & { name: string };

/**
 * The remote clusters a person added (docs/clusters.md): their settings in
 * `<dataDir>/clusters.json`, their secrets encrypted in a SecretStore. Views never carry
 * secrets; `connectionConfig` is the one way to get them back, for a client about to connect.
 * Changes are serialised and written atomically; `onChange` hears of each.
 */
export class ClusterRegistry {
  private clusters = new Map<string, ClusterInput>();
  private listeners = new Set<() => void>();
  private readonly serial = serialQueue();

  private constructor(
    private readonly path: string,
    private readonly secrets: SecretStore,
    private readonly localView: () => ClusterView,
  ) {}

  /**
   * Loads clusters.json (a missing file = no remote clusters).
   * @throws LogdockError CORRUPT_FILE naming the file and the first problem.
   */
  static async open(options: {
    dataDir: string;
    secrets: SecretStore;
    localView: () => ClusterView;
  }): Promise<ClusterRegistry> {
    const registry = new ClusterRegistry(
      join(options.dataDir, CLUSTERS_FILE),
      options.secrets,
      options.localView,
    );
    await registry.load();
    return registry;
  }

  /** `local` first, then the remote clusters by name. */
  async list(): Promise<ClusterView[]> {
    const saved = new Set(await this.secrets.ids());
    const remote = [...this.clusters.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((c) => toView(c, saved));
    return [this.localView(), ...remote];
  }

  async view(name: string): Promise<ClusterView> {
    if (name === LOCAL_CLUSTER) return this.localView();
    return toView(this.get(name), new Set(await this.secrets.ids()));
  }

  /** Whether `name` is `local` or a saved remote cluster. */
  has(name: string): boolean {
    return name === LOCAL_CLUSTER || this.clusters.has(name);
  }

  /** Throws ALREADY_EXISTS for a taken name. */
  add(input: ClusterInput): Promise<ClusterView> {
    return this.serial(async () => {
      if (this.has(input.name)) {
        throw new LogdockError('ALREADY_EXISTS', `a cluster named ${input.name} already exists`);
      }
      const { stored, secrets } = split(input);
      await this.secrets.setMany(secretChanges(input.name, secrets, {}));
      this.clusters.set(input.name, stored);
      await this.save();
      return this.view(input.name);
    });
  }

  /** Omitted secrets keep the saved ones (when the protocol still uses them). Throws NOT_FOUND. */
  update(patch: ClusterPatch): Promise<ClusterView> {
    return this.serial(async () => {
      const current = this.get(patch.name);
      const next = clusterInputSchema.parse({ ...current, ...patch });
      const { stored, secrets } = split(next);
      const kept = await this.savedSecrets(patch.name);
      await this.secrets.setMany(
        secretChanges(patch.name, secrets, usedSecrets(stored.security, kept)),
      );
      this.clusters.set(patch.name, stored);
      await this.save();
      return this.view(patch.name);
    });
  }

  /** Throws NOT_FOUND. */
  remove(name: string): Promise<void> {
    return this.serial(async () => {
      this.get(name);
      this.clusters.delete(name);
      await this.save();
      await this.secrets.setMany({
        [secretId(name, 'password')]: null,
        [secretId(name, 'keyPassphrase')]: null,
      });
    });
  }

  /**
   * The settings of a saved cluster with its secrets, to connect with; `override` (settings
   * being edited) replaces them, taking saved secrets where it gives none.
   * Throws NOT_FOUND, and CORRUPT_FILE / UNAVAILABLE when a secret cannot be read back.
   */
  async connectionConfig(name: string, override?: ClusterInput): Promise<ClusterInput> {
    const base = override ?? this.get(name);
    if (!this.clusters.has(name)) return base;
    return withSecrets(base, await this.savedSecrets(name));
  }

  /** Called after every add, update and remove. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private get(name: string): ClusterInput {
    if (name === LOCAL_CLUSTER) {
      throw new LogdockError(
        'INVALID_ARGUMENT',
        `${LOCAL_CLUSTER} is the embedded broker; it has no connection settings to change`,
      );
    }
    const cluster = this.clusters.get(name);
    if (!cluster) throw new LogdockError('NOT_FOUND', `no cluster named ${name}`);
    return cluster;
  }

  private async savedSecrets(name: string): Promise<Secrets> {
    const [password, keyPassphrase] = await Promise.all([
      this.secrets.get(secretId(name, 'password')),
      this.secrets.get(secretId(name, 'keyPassphrase')),
    ]);
    return { ...(password ? { password } : {}), ...(keyPassphrase ? { keyPassphrase } : {}) };
  }

  private async load(): Promise<void> {
    const file = await readJsonFile(this.path, clustersFileSchema);
    for (const cluster of file?.clusters ?? [])
      this.clusters.set(cluster.name, split(cluster).stored);
  }

  private async save(): Promise<void> {
    const clusters = [...this.clusters.values()];
    await writeFileAtomic(this.path, JSON.stringify({ version: 1, clusters }, null, 2) + '\n');
    for (const listener of this.listeners) listener();
  }
}

/** The settings without secrets, and the secrets they carried. */
function split(input: ClusterInput): { stored: ClusterInput; secrets: Secrets } {
  const security = structuredClone(input.security);
  const secrets: Secrets = {};
  if ('sasl' in security && security.sasl.password !== undefined) {
    secrets.password = security.sasl.password;
    delete security.sasl.password;
  }
  if ('tls' in security && security.tls.keyPassphrase !== undefined) {
    secrets.keyPassphrase = security.tls.keyPassphrase;
    delete security.tls.keyPassphrase;
  }
  return { stored: { ...input, security }, secrets };
}

/** Saved secrets the security settings still use (a protocol without SASL drops the password). */
function usedSecrets(security: SecurityInput, saved: Secrets): Secrets {
  return {
    ...('sasl' in security && saved.password ? { password: saved.password } : {}),
    ...('tls' in security && security.tls.keyFile && saved.keyPassphrase
      ? { keyPassphrase: saved.keyPassphrase }
      : {}),
  };
}

/** Given secrets replace kept ones; secrets neither given nor kept are forgotten. */
function secretChanges(name: string, given: Secrets, kept: Secrets): Record<string, string | null> {
  return {
    [secretId(name, 'password')]: given.password ?? kept.password ?? null,
    [secretId(name, 'keyPassphrase')]: given.keyPassphrase ?? kept.keyPassphrase ?? null,
  };
}

function withSecrets(input: ClusterInput, saved: Secrets): ClusterInput {
  const security = structuredClone(input.security);
  if ('sasl' in security) security.sasl.password ??= saved.password;
  if ('tls' in security) security.tls.keyPassphrase ??= saved.keyPassphrase;
  return { ...input, security };
}

function toView(cluster: ClusterInput, savedIds: Set<string>): ClusterView {
  const { security } = cluster;
  return {
    name: cluster.name,
    kind: 'remote',
    colour: cluster.colour,
    bootstrapServers: cluster.bootstrapServers,
    readOnly: cluster.readOnly,
    security: {
      protocol: security.protocol,
      ...('sasl' in security
        ? {
            sasl: {
              mechanism: security.sasl.mechanism,
              username: security.sasl.username,
              hasPassword: savedIds.has(secretId(cluster.name, 'password')),
            },
          }
        : {}),
      ...('tls' in security
        ? {
            tls: {
              caFile: security.tls.caFile,
              certFile: security.tls.certFile,
              keyFile: security.tls.keyFile,
              checkHostname: security.tls.checkHostname,
              hasKeyPassphrase: savedIds.has(secretId(cluster.name, 'keyPassphrase')),
            },
          }
        : {}),
    },
  };
}
