// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import {
  hrefFor,
  navigate,
  parseHash,
  sectionOf,
  SECTIONS,
  topicRoute,
  useRoute,
  viewPartitionsOf,
  type Route,
} from '../../src/renderer/src/router';

describe('the hash router', () => {
  afterEach(() => {
    window.location.hash = '';
  });

  it('parses every documented route', () => {
    expect(parseHash('')).toEqual({ view: 'dashboard' });
    expect(parseHash('#/')).toEqual({ view: 'dashboard' });
    expect(parseHash('#/topics')).toEqual({ view: 'topics' });
    expect(parseHash('#/topics/app%20logs?partition=2&offset=42')).toEqual({
      view: 'topic',
      topic: 'app logs',
      partition: 2,
      offset: 42,
    });
    expect(parseHash('#/groups')).toEqual({ view: 'groups' });
    expect(parseHash('#/groups/billing')).toEqual({ view: 'group', groupId: 'billing' });
    expect(parseHash('#/collectors')).toEqual({ view: 'collectors' });
    expect(parseHash('#/settings')).toEqual({ view: 'settings' });
  });

  it('turns a malformed or unknown hash into notFound instead of throwing', () => {
    expect(parseHash('#/nowhere')).toEqual({ view: 'notFound', path: '/nowhere' });
    expect(parseHash('#/groups/a/b/c').view).toBe('notFound');
    expect(hrefFor(parseHash('#/nowhere'))).toBe('#/nowhere');
    // A bad percent-escape and a non-numeric offset are tolerated.
    expect(parseHash('#/topics/%E0%A4%A')).toMatchObject({ view: 'topic', topic: '%E0%A4%A' });
    expect(parseHash('#/topics/t?offset=-1&partition=x')).toEqual({ view: 'topic', topic: 't' });
  });

  it('builds hashes that parse back to the same route', () => {
    const routes: Route[] = [
      { view: 'dashboard' },
      { view: 'topics' },
      { view: 'topic', topic: 'a/b?c#d' },
      { view: 'topic', topic: 'logs', partition: 0, offset: 0 },
      { view: 'topic', topic: 'logs', partitions: [0, 3], partition: 3, offset: 7 },
      { view: 'groups' },
      { view: 'group', groupId: 'consumers #1' },
      { view: 'collectors' },
      { view: 'settings' },
    ];
    for (const route of routes) expect(parseHash(hrefFor(route))).toEqual(route);
  });

  it('keeps the chosen partitions of a topic view in the address, and old one-partition links working', () => {
    expect(parseHash('#/topics/app?partitions=5,0,2,2&partition=2&offset=9')).toEqual({
      view: 'topic',
      topic: 'app',
      partitions: [0, 2, 5],
      partition: 2,
      offset: 9,
    });
    expect(hrefFor(topicRoute('app', [2, 0], { partition: 2, offset: 9 }))).toBe(
      '#/topics/app?partitions=0,2&partition=2&offset=9',
    );
    // One partition keeps the older form; all partitions say merged only with a position.
    expect(hrefFor(topicRoute('app', [3]))).toBe('#/topics/app?partition=3');
    expect(hrefFor(topicRoute('app', null))).toBe('#/topics/app');
    expect(hrefFor(topicRoute('app', null, { partition: 1, offset: 4 }))).toBe(
      '#/topics/app?partition=1&offset=4&merged=1',
    );
    const view = (hash: string) => {
      const route = parseHash(hash);
      if (route.view !== 'topic') throw new Error(hash);
      return viewPartitionsOf(route);
    };
    expect(view('#/topics/app?partitions=0,2&partition=2&offset=9')).toEqual([0, 2]);
    expect(view('#/topics/app?partition=1&offset=42')).toEqual([1]);
    expect(view('#/topics/app?partition=1')).toEqual([1]);
    expect(view('#/topics/app?partition=1&offset=42&merged=1')).toBeNull();
    expect(view('#/topics/app')).toBeNull();
    // A malformed list is left out rather than guessed at.
    expect(view('#/topics/app?partitions=0,,x')).toBeNull();
  });

  it('puts every route of a section under that section', () => {
    for (const section of SECTIONS) {
      expect(sectionOf(parseHash(`#/${section}`))).toBe(section);
    }
    expect(sectionOf({ view: 'topic', topic: 't' })).toBe('topics');
    expect(sectionOf({ view: 'group', groupId: 'g' })).toBe('groups');
    expect(sectionOf({ view: 'notFound', path: 'x' })).toBeNull();
  });

  it('re-renders on navigation and keeps the same route object while the hash is unchanged', async () => {
    const { result, rerender } = renderHook(() => useRoute());
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
    await act(async () => {
      navigate({ view: 'group', groupId: 'billing' });
      // jsdom fires hashchange asynchronously, like browsers.
      await new Promise<void>((resolve) =>
        window.addEventListener('hashchange', () => resolve(), { once: true }),
      );
    });
    expect(result.current).toEqual({ view: 'group', groupId: 'billing' });
  });
});
