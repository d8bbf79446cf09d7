import { describe, expect, it } from 'vitest';
import type { Message, Room } from '../protocol/index.js';
import {
  addPending,
  addRoomNotice,
  initialState,
  type insertMessages,
  receiveMessages,
  receiveOlder,
  removeRoom,
  roomTitle,
  setTyping,
  sortedRooms,
  switchRoom,
  typingUsers,
  upsertRoom,
} from './chat-state.js';

const room = (id: string, kind: Room['kind'] = 'public', members = ['me', 'bob']): Room => ({
  id,
  name: id,
  kind,
  admin: null,
  members,
});
const msg = (id: number, roomId = 'general', username = 'bob', client_id?: string): Message => ({
  id,
  room: roomId,
  username,
  content: `m${id}`,
  timestamp: new Date(1_700_000_000_000 + id).toISOString(),
  ...(client_id ? { client_id } : {}),
});
const ids = (items: ReturnType<typeof insertMessages>['items']) =>
  items.flatMap((i) => (i.kind === 'message' ? [i.message.id] : []));

describe('chat state', () => {
  const base = () =>
    upsertRoom(upsertRoom(initialState('me', 'http://x'), room('general')), room('random'));

  it('keeps messages ordered by id and drops duplicates', () => {
    let s = receiveMessages(base(), [msg(3), msg(1)]);
    s = receiveMessages(s, [msg(2), msg(3)]);
    expect(ids(s.rooms.general?.items ?? [])).toEqual([1, 2, 3]);
    expect(s.lastId).toBe(3);
  });

  it('counts unread only for other rooms and other people, and clears on switch', () => {
    let s = receiveMessages(base(), [msg(1, 'random'), msg(2, 'random', 'me'), msg(3, 'general')]);
    expect(s.rooms.random?.unread).toBe(1);
    expect(s.rooms.general?.unread).toBe(0);
    s = switchRoom(s, 'random');
    expect(s.rooms.random?.unread).toBe(0);
    expect(s.current).toBe('random');
  });

  it('does not count history the user saw before as unread', () => {
    const s = receiveMessages(base(), [msg(1, 'random'), msg(2, 'random'), msg(3, 'random')], 2);
    expect(s.rooms.random?.unread).toBe(1);
  });

  it('confirms a pending message when its stored copy arrives with the same client_id', () => {
    let s = addPending(base(), { clientId: 'c1', room: 'general', content: 'hi', createdAt: '' });
    s = receiveMessages(s, [msg(5, 'general', 'me', 'c1')]);
    expect(s.pending).toEqual([]);
  });

  it('keeps a join notice after the messages that came before it when older history loads', () => {
    let s = receiveMessages(base(), [msg(10)]);
    s = addRoomNotice(s, 'general', 'carol joined general', '');
    s = receiveMessages(s, [msg(11)]);
    s = receiveOlder(s, 'general', [msg(8), msg(9)], false);
    const kinds = (s.rooms.general?.items ?? []).map((i) =>
      i.kind === 'message' ? i.message.id : i.text,
    );
    expect(kinds).toEqual([8, 9, 10, 'carol joined general', 11]);
    expect(s.rooms.general?.hasOlder).toBe(false);
  });

  it('shows typing until the indicator lapses or the user sends', () => {
    let s = setTyping(base(), 'general', 'bob', true, 1000);
    expect(typingUsers(s.rooms.general, 500)).toEqual(['bob']);
    expect(typingUsers(s.rooms.general, 1500)).toEqual([]);
    s = receiveMessages(s, [msg(1)]);
    expect(typingUsers(s.rooms.general, 500)).toEqual([]);
  });

  it('names direct rooms after the other person and sorts general first', () => {
    let s = upsertRoom(base(), room('dm_1', 'direct', ['bob', 'me']));
    s = upsertRoom(s, room('room_1', 'group'));
    expect(roomTitle(s.rooms.dm_1?.room as Room, 'me')).toBe('@bob');
    expect(sortedRooms(s).map((v) => v.room.id)).toEqual(['general', 'random', 'room_1', 'dm_1']);
  });

  it('falls back to general when the current room is removed', () => {
    const s = removeRoom(switchRoom(base(), 'random'), 'random');
    expect(s.current).toBe('general');
    expect(s.rooms.random).toBeUndefined();
  });
});
