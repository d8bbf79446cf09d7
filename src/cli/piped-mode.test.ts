import { describe, expect, it } from 'vitest';
import type { ChatClient, MessageListener } from '../client/index.js';
import type { Message } from '../protocol/index.js';
import { printMessages } from './piped-mode.js';

const msg = (id: number, room = 'general'): Message => ({
  id,
  room,
  username: 'bob',
  content: `m${id}`,
  timestamp: '2026-01-01T10:00:00.000Z',
});

function fakeClient() {
  let listener: MessageListener = () => {};
  const client = {
    onMessages: (l: MessageListener) => {
      listener = l;
      return () => {};
    },
  } as unknown as ChatClient;
  return { client, emit: (m: Message[], o: Parameters<MessageListener>[1]) => listener(m, o) };
}

describe('piped output', () => {
  it('prints live and caught-up messages of general once, never the history before them', () => {
    const { client, emit } = fakeClient();
    let out = '';
    const sink = { write: (s: string) => (out += s) } as unknown as NodeJS.WritableStream;
    printMessages(client, sink);
    emit([msg(5)], 'live'); // arrived while the join was under way
    emit([msg(3), msg(4), msg(5)], 'history');
    emit([msg(5)], 'live');
    emit([msg(6, 'random')], 'live');
    emit([msg(2), msg(4), msg(5), msg(7)], 'sync'); // a reconnect's catch-up looks back
    const ids = out
      .trim()
      .split('\n')
      .map((l) => l.replace(/^.*: m/, ''));
    expect(ids).toEqual(['5', '7']);
  });
});
