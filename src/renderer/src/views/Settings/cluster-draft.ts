import type {
  ClusterInput,
  ClusterView,
  ConnectionTest,
  SecurityInput,
} from '../../../../common/api/clusters';
import type { ErrorPayload } from '../../../../common/errors';

// The cluster form of Settings → Clusters as plain data: what a person types, turned into
// `clusters.add` / `clusters.update` params, and a saved cluster turned back into the form.

export type Protocol = SecurityInput['protocol'];
export type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface Draft {
  name: string;
  colour: string;
  servers: string;
  protocol: Protocol;
  mechanism: Mechanism;
  username: string;
  password: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  checkHostname: boolean;
  readOnly: boolean;
}

export const EMPTY: Draft = {
  name: '',
  colour: '#3b82f6',
  servers: '',
  protocol: 'PLAINTEXT',
  mechanism: 'PLAIN',
  username: '',
  password: '',
  caFile: '',
  certFile: '',
  keyFile: '',
  checkHostname: true,
  readOnly: false,
};

/** The form as `clusters.add` params; the server validates every field. */
export function draftToCluster(d: Draft): ClusterInput {
  const sasl = {
    mechanism: d.mechanism,
    username: d.username,
    ...(d.password ? { password: d.password } : {}),
  };
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  const tls = {
    caFile: optional(d.caFile),
    certFile: optional(d.certFile),
    keyFile: optional(d.keyFile),
    checkHostname: d.checkHostname,
  };
  const security: SecurityInput =
    d.protocol === 'PLAINTEXT'
      ? { protocol: 'PLAINTEXT' }
      : d.protocol === 'SASL_PLAINTEXT'
        ? { protocol: 'SASL_PLAINTEXT', sasl }
        : d.protocol === 'SSL'
          ? { protocol: 'SSL', tls }
          : { protocol: 'SASL_SSL', sasl, tls };
  return {
    name: d.name.trim(),
    colour: d.colour,
    bootstrapServers: d.servers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    security,
    readOnly: d.readOnly,
  };
}

/** What "Test connection" found, in one line. */
export function describeTest(result: ConnectionTest | { error: ErrorPayload }): string {
  if ('error' in result) return `Could not test: ${result.error.message}`;
  if (!result.ok) return `Failed (${result.reason}): ${result.message}`;
  return (
    `Reached ${result.brokers.length} broker${result.brokers.length === 1 ? '' : 's'} ` +
    `(${result.brokers.map((b) => `${b.id} at ${b.host}:${b.port}`).join(', ')}), controller ` +
    `${result.controller}, ${result.apiVersions.length} APIs, in ${result.elapsedMs} ms`
  );
}

/**
 * A saved cluster as the form edits it. Secrets are never sent to the renderer: the password
 * field starts blank, and a blank one keeps the saved password.
 */
export function viewToDraft(c: ClusterView): Draft {
  const { sasl, tls } = c.security;
  return {
    name: c.name,
    colour: c.colour,
    servers: c.bootstrapServers.join(', '),
    protocol: c.security.protocol,
    mechanism: sasl?.mechanism ?? 'PLAIN',
    username: sasl?.username ?? '',
    password: '',
    caFile: tls?.caFile ?? '',
    certFile: tls?.certFile ?? '',
    keyFile: tls?.keyFile ?? '',
    checkHostname: tls?.checkHostname ?? true,
    readOnly: c.readOnly,
  };
}
