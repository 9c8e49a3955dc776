// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { hrefFor, parseHash, sectionOf } from '../../src/renderer/src/router';

describe('the operations routes', () => {
  it('parses and builds the topic settings and replay routes', () => {
    expect(parseHash('#/topics/app%20logs/settings')).toEqual({
      view: 'topicSettings',
      topic: 'app logs',
    });
    expect(hrefFor({ view: 'topicSettings', topic: 'a/b' })).toBe('#/topics/a%2Fb/settings');
    expect(parseHash('#/replay')).toEqual({ view: 'replay' });
    expect(parseHash('#/replay?topic=orders')).toEqual({ view: 'replay', topic: 'orders' });
    expect(parseHash(hrefFor({ view: 'replay', topic: 'a b' }))).toEqual({
      view: 'replay',
      topic: 'a b',
    });
    expect(parseHash('#/topics/t/other').view).toBe('notFound');
  });

  it('shows topic settings under Topics and replay under its own section', () => {
    expect(sectionOf({ view: 'topicSettings', topic: 't' })).toBe('topics');
    expect(sectionOf({ view: 'replay' })).toBe('replay');
  });
});
