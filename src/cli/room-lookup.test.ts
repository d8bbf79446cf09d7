import { describe, expect, it } from 'vitest';
import { type ChatState, initialState, receiveMessages, upsertRoom } from '../client/index.js';
import type { Room } from '../protocol/index.js';
import { findRoom, roomsListing, usersListing } from './room-lookup.js';

const room = (id: string, kind: Room['kind'], name = id, members: string[] = []): Room => ({
  id,
  name,
  kind,
  admin: null,
  members,
});

function state(): ChatState {
  let s = initialState('alice', 'http://x');
  s = upsertRoom(s, room('general', 'public'));
  s = upsertRoom(s, room('random', 'public'));
  s = upsertRoom(s, room('room_4', 'group', 'Project X', ['alice', 'bob', 'carol']));
  s = upsertRoom(s, room('dm_7', 'direct', 'dm', ['alice', 'Bob']));
  return s;
}

describe('findRoom', () => {
  it('finds rooms by name, #name, @user, group name, id or number', () => {
    const s = state();
    const id = (q: string) => {
      const r = findRoom(s, q);
      return r.ok ? r.roomId : r.message;
    };
    expect(id('random')).toBe('random');
    expect(id('#Random')).toBe('random');
    expect(id('@bob')).toBe('dm_7');
    expect(id('bob')).toBe('dm_7');
    expect(id('project x')).toBe('room_4');
    expect(id('room_4')).toBe('room_4');
    expect(id('1')).toBe('general');
    expect(id('4')).toBe('dm_7');
  });

  it('says when there is no such room', () => {
    expect(findRoom(state(), 'nowhere')).toEqual({
      ok: false,
      message: 'No such room: nowhere (see /rooms)',
    });
    expect(findRoom(state(), '9').ok).toBe(false);
  });
});

describe('listings', () => {
  it('lists rooms in order, numbered, with unread counts and the current one', () => {
    const s = receiveMessages(state(), [
      { id: 1, room: 'random', username: 'bob', content: 'a', timestamp: '' },
      { id: 2, room: 'random', username: 'bob', content: 'b', timestamp: '' },
    ]);
    expect(roomsListing(s)).toEqual([
      'Your rooms (4):',
      '  1. #general  <- current',
      '  2. #random, 2 unread',
      '  3. Project X (group)',
      '  4. @Bob (direct)',
    ]);
  });

  it('lists online users', () => {
    expect(usersListing(['alice', 'bob'])).toBe('Online (2): alice, bob');
    expect(usersListing([])).toBe('Nobody is online');
  });
});
