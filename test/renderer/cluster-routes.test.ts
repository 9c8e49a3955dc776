// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { clusterOf, hrefFor, parseHash } from '../../src/renderer/src/router';

afterEach(() => {
  window.location.hash = '';
});

describe('cluster routes', () => {
  it('parses #/c/<cluster>/... and keeps old links on local', () => {
    expect(parseHash('#/c/prod/topics/orders?partition=1&offset=5')).toEqual({
      view: 'topic',
      topic: 'orders',
      partition: 1,
      offset: 5,
      cluster: 'prod',
    });
    expect(parseHash('#/c/prod')).toEqual({ view: 'dashboard', cluster: 'prod' });
    expect(parseHash('#/topics/orders')).toEqual({ view: 'topic', topic: 'orders' });
    expect(clusterOf(parseHash('#/groups'))).toBe('local');
    expect(parseHash('#/c/local/groups')).toEqual({ view: 'groups' });
    expect(parseHash('#/c/..%2Fetc/topics').view).toBe('notFound');
  });

  it('writes the prefix for a remote cluster and stays on the shown cluster by default', () => {
    expect(hrefFor({ view: 'group', groupId: 'billing', cluster: 'prod' })).toBe(
      '#/c/prod/groups/billing',
    );
    expect(hrefFor({ view: 'topics', cluster: 'local' })).toBe('#/topics');
    window.location.hash = '#/c/prod/topics';
    expect(hrefFor({ view: 'topic', topic: 'orders', partition: 0 })).toBe(
      '#/c/prod/topics/orders?partition=0',
    );
    expect(hrefFor({ view: 'dashboard', cluster: 'local' })).toBe('#/dashboard');
    for (const hash of [
      '#/c/prod/topics/a%20b?partitions=0,2',
      '#/c/prod/replay?topic=x',
      '#/c/prod/topics/t/settings',
    ]) {
      expect(hrefFor(parseHash(hash))).toBe(hash);
    }
  });
});
