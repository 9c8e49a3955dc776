/**
 * The cluster as a source whose start was abandoned sees it (manager.ts): a start cut short
 * while it waits on the cluster (its topic recovering after a crash) goes on in the
 * background, and every cluster call it makes once abandoned, or answered after, fails with
 * CLOSED, so that the start ends there instead of running the source (a command spawned, a
 * port bound) only to be closed at once. Once the start succeeded (`started`), calls go
 * straight to the cluster.
 */
import { LogdockError } from '../../common/errors';
import type { Cluster } from '../cluster';

export function abandonable(
  cluster: Cluster,
  what: string,
): { cluster: Cluster; abandon: () => void; started: () => void } {
  let abandoned = false;
  let started = false;
  const refused = () => new LogdockError('CLOSED', `${what}: its start was cut short`);
  const guarded = new Proxy(cluster, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== 'function') return value;
      if (started) return (value as (...a: unknown[]) => unknown).bind(target);
      return (...args: unknown[]) => {
        if (abandoned) return Promise.reject(refused());
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.then((answer: unknown) => {
          if (abandoned) throw refused();
          return answer;
        });
      };
    },
  });
  return {
    cluster: guarded,
    abandon: () => (abandoned = true),
    started: () => (started = true),
  };
}
