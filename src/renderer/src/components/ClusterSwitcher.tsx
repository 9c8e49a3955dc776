import { useEffect } from 'react';
import { clusterOf, hrefFor, sectionOf, useRoute } from '../router';
import { useAppStore } from '../store';

/**
 * The cluster shown, in the header: a list of `local` and the saved remote clusters, each
 * marked with its colour (also the header's top border) and "read-only" where it is. Choosing
 * one opens the same section on it (`#/c/<cluster>/<section>`).
 */
export function ClusterSwitcher() {
  const route = useRoute();
  const current = clusterOf(route);
  const clusters = useAppStore((s) => s.clusters.list);
  const loadClusters = useAppStore((s) => s.loadClusters);
  const status = useAppStore((s) => s.connection.status);

  useEffect(() => {
    if (status === 'open') void loadClusters();
  }, [status, loadClusters]);

  const known = clusters.some((c) => c.name === current);
  const colour = clusters.find((c) => c.name === current)?.colour;
  return (
    <label className="cluster-switcher" style={colour ? { borderColor: colour } : undefined}>
      <span
        className="cluster-dot"
        style={{ background: colour ?? 'var(--fg-muted)' }}
        aria-hidden
      />
      <span className="visually-hidden">Cluster</span>
      <select
        data-testid="cluster-switcher"
        value={current}
        onChange={(e) => {
          const section = sectionOf(route) ?? 'dashboard';
          window.location.hash = hrefFor({ view: section, cluster: e.target.value });
        }}
      >
        {!known && <option value={current}>{current}</option>}
        {clusters.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name}
            {c.readOnly ? ' (read-only)' : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
