import { describe, expect, it } from 'vitest';
import { hrefFor, parseHash, sectionOf } from '../../src/renderer/src/router';
import { timelineTopicsFor } from '../../src/renderer/src/views/Timeline/palette';

describe('the timeline address', () => {
  it('holds the topics in order, a time and the selected message, and parses back', () => {
    const route = {
      view: 'timeline' as const,
      topics: ['web', 'api.v2', 'db_main'],
      t: 1_777_000_000_123,
      at: { topic: 'api.v2', partition: 3, offset: 42 },
    };
    const href = hrefFor({ ...route, cluster: 'local' });
    expect(href).toBe('#/timeline?topics=web,api.v2,db_main&t=1777000000123&at=api.v2:3:42');
    expect(parseHash(href)).toEqual(route);
    expect(sectionOf(route)).toBe('topics');
    expect(parseHash('#/timeline?topics=a,b')).toEqual({ view: 'timeline', topics: ['a', 'b'] });
  });

  it('turns a timeline without topics, or with a name no topic can have, into notFound', () => {
    expect(parseHash('#/timeline').view).toBe('notFound');
    expect(parseHash('#/timeline?topics=').view).toBe('notFound');
    expect(parseHash('#/timeline?topics=a,b%2Fc').view).toBe('notFound');
    // A malformed selection or time is left out, the view still opens.
    expect(parseHash('#/timeline?topics=a,b&t=x&at=a:1')).toEqual({
      view: 'timeline',
      topics: ['a', 'b'],
    });
  });
});

describe('the palette entry for a timeline', () => {
  const names = ['web', 'web-admin', 'api', 'db'];
  it('takes comma-separated topics, by name or by a start only one topic has', () => {
    expect(timelineTopicsFor('web, api, db', names)).toEqual(['web', 'api', 'db']);
    expect(timelineTopicsFor('a,d', names)).toEqual(['api', 'db']);
    expect(timelineTopicsFor('web-, db', names)).toEqual(['web-admin', 'db']);
  });

  it('offers nothing for one topic, an unknown or ambiguous part, or a topic named twice', () => {
    expect(timelineTopicsFor('web', names)).toBeNull();
    expect(timelineTopicsFor('web,', names)).toBeNull();
    expect(timelineTopicsFor('web, nope', names)).toBeNull();
    expect(timelineTopicsFor('we, db', names)).toBeNull();
    expect(timelineTopicsFor('web, web', names)).toBeNull();
  });
});
