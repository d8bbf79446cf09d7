import { describe, expect, it } from 'vitest';
import { parseOutbox } from './outbox-store.js';

describe('parseOutbox', () => {
  const good = {
    clientId: 'c1',
    room: 'general',
    content: 'hi',
    createdAt: '2026-11-21T20:00:00Z',
  };

  it('reads back what was stored, a refused message with its error', () => {
    const refused = { ...good, clientId: 'c2', error: 'Not a member of this room' };
    expect(parseOutbox(JSON.stringify([good, refused]))).toEqual([good, refused]);
  });

  it('drops malformed entries and fields it does not know', () => {
    const raw = JSON.stringify([
      good,
      { ...good, clientId: 7 },
      { room: 'general', content: 'no id', createdAt: good.createdAt },
      null,
      'text',
      { ...good, clientId: 'c3', extra: '<b>x</b>' },
    ]);
    expect(parseOutbox(raw)).toEqual([good, { ...good, clientId: 'c3' }]);
  });

  it('reads nothing from nothing, from broken JSON, or from something not a list', () => {
    for (const raw of [null, undefined, '', '{', '{"a":1}', '42'])
      expect(parseOutbox(raw)).toEqual([]);
  });
});
