import { describe, expect, it } from 'vitest';
import {
  type ChatState,
  initialState,
  receiveMessages,
  setRoomUsers,
  setTyping,
  upsertRoom,
} from '../client/index.js';
import type { Room } from '../protocol/index.js';
import { serverLabel, statusText, titleText, typingText } from './status-bar.js';

const room = (id: string, kind: Room['kind'] = 'public', members: string[] = []): Room => ({
  id,
  name: id,
  kind,
  admin: null,
  members,
});

function state(): ChatState {
  let s = initialState('alice', 'http://127.0.0.1:5050');
  s = upsertRoom(s, room('general'));
  s = upsertRoom(s, room('random'));
  s = upsertRoom(s, room('dm_1', 'direct', ['alice', 'bob']));
  return { ...s, status: 'connected' };
}

describe('status bar', () => {
  it('says who is typing', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['bob'])).toBe('bob is typing...');
    expect(typingText(['bob', 'carol'])).toBe('bob and carol are typing...');
    expect(typingText(['a', 'b', 'c'])).toBe('3 people are typing...');
  });

  it('shows server, user, room and connection state', () => {
    expect(statusText({ state: state(), now: 0, below: 0, width: 80 })).toBe(
      '[127.0.0.1:5050] [alice] [#general] [connected]',
    );
    const down = { ...state(), status: 'reconnecting' as const };
    expect(statusText({ state: down, now: 0, below: 0, width: 80 })).toContain('[reconnecting...]');
  });

  it('adds typing, scrollback and activity in other rooms', () => {
    let s = setTyping(state(), 'general', 'bob', true, 5000);
    s = receiveMessages(s, [
      { id: 1, room: 'random', username: 'carol', content: 'x', timestamp: '' },
      { id: 2, room: 'dm_1', username: 'bob', content: 'y', timestamp: '' },
    ]);
    expect(statusText({ state: s, now: 1000, below: 4, width: 120 })).toBe(
      '[127.0.0.1:5050] [alice] [#general] [connected] -MORE(4)- bob is typing... Act: #random(1) @bob(1)',
    );
    expect(statusText({ state: s, now: 9000, below: 0, width: 120 })).not.toContain('typing');
  });

  it('fits the width', () => {
    const s = setTyping(state(), 'general', 'bob', true, 5000);
    const text = statusText({ state: s, now: 0, below: 0, width: 30 });
    expect(text).toHaveLength(30);
    expect(text.endsWith('...')).toBe(true);
  });

  it('titles the room with who is here and the announcement', () => {
    let s = setRoomUsers(state(), 'general', ['bob', 'alice']);
    s = { ...s, announcement: 'Maintenance at 18:00' };
    expect(titleText(s, 80)).toBe('Chatroom: #general (2 here: alice, bob) | Maintenance at 18:00');
    expect(titleText({ ...s, current: 'dm_1' }, 80)).toBe('Chatroom: @bob | Maintenance at 18:00');
  });

  it('labels the server by host', () => {
    expect(serverLabel('http://localhost:5050')).toBe('localhost:5050');
    expect(serverLabel('https://chat.example.org/team')).toBe('chat.example.org/team');
  });
});
