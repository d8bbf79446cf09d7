import { describe, expect, it } from 'vitest';
import { MemoryPresence } from './memory-presence.js';

function setup(windowMs = 30_000) {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  return { clock, presence: new MemoryPresence(clock, windowMs) };
}

describe('MemoryPresence', () => {
  it('counts a user online while they hold a socket', async () => {
    const { presence } = setup();
    await presence.addSocket('alice', 's1');
    expect(await presence.onlineUsers()).toEqual(['alice']);
    expect(await presence.removeSocket('alice', 's1')).toEqual([]);
    expect(await presence.onlineUsers()).toEqual([]);
  });

  it('reports the first socket of a user entering a room, not the second', async () => {
    const { presence } = setup();
    await presence.addSocket('alice', 's1');
    await presence.addSocket('alice', 's2');
    expect(await presence.enterRoom('alice', 's1', 'general')).toBe(true);
    expect(await presence.enterRoom('alice', 's2', 'general')).toBe(false);
    expect(await presence.enterRoom('alice', 's1', 'general')).toBe(false);
    expect(await presence.roomUsers('general')).toEqual(['alice']);
  });

  it('reports a room as left only when the last socket present in it goes', async () => {
    const { presence } = setup();
    await presence.addSocket('alice', 's1');
    await presence.addSocket('alice', 's2');
    await presence.enterRoom('alice', 's1', 'general');
    await presence.enterRoom('alice', 's1', 'chess');
    await presence.enterRoom('alice', 's2', 'general');
    expect(await presence.removeSocket('alice', 's1')).toEqual(['chess']);
    expect(await presence.roomUsers('chess')).toEqual([]);
    expect(await presence.roomUsers('general')).toEqual(['alice']);
    expect(await presence.onlineUsers()).toEqual(['alice']);
    expect(await presence.removeSocket('alice', 's2')).toEqual(['general']);
    expect(await presence.onlineUsers()).toEqual([]);
  });

  it('ignores the removal of a socket it does not know', async () => {
    const { presence } = setup();
    expect(await presence.removeSocket('nobody', 'sx')).toEqual([]);
    await presence.addSocket('alice', 's1');
    expect(await presence.removeSocket('alice', 'other')).toEqual([]);
    expect(await presence.onlineUsers()).toEqual(['alice']);
  });

  it('takes a user out of a room on every socket at once', async () => {
    const { presence } = setup();
    await presence.addSocket('alice', 's1');
    await presence.addSocket('alice', 's2');
    await presence.enterRoom('alice', 's1', 'chess');
    await presence.enterRoom('alice', 's2', 'chess');
    expect(await presence.leaveRoom('alice', 'chess')).toBe(true);
    expect(await presence.roomUsers('chess')).toEqual([]);
    expect(await presence.leaveRoom('alice', 'chess')).toBe(false);
    expect(await presence.leaveRoom('nobody', 'chess')).toBe(false);
    expect(await presence.removeSocket('alice', 's1')).toEqual([]);
    expect(await presence.enterRoom('alice', 's2', 'chess')).toBe(true);
  });

  it('keeps a poller online for the window, present in the rooms given', async () => {
    const { clock, presence } = setup(30_000);
    expect(await presence.touchPoller('bob', ['general', 'chess'])).toBe(true);
    expect(await presence.touchPoller('bob', ['general', 'chess'])).toBe(false);
    expect(await presence.onlineUsers()).toEqual(['bob']);
    expect(await presence.roomUsers('chess')).toEqual(['bob']);
    clock.ms += 29_999;
    expect(await presence.onlineUsers()).toEqual(['bob']);
    clock.ms += 1;
    expect(await presence.onlineUsers()).toEqual([]);
    expect(await presence.roomUsers('chess')).toEqual([]);
    expect(await presence.touchPoller('bob', ['general'])).toBe(true);
  });

  it('does not report a poller as new while they hold a socket', async () => {
    const { presence } = setup();
    await presence.addSocket('carol', 's1');
    expect(await presence.touchPoller('carol', ['general'])).toBe(false);
    expect(await presence.removeSocket('carol', 's1')).toEqual([]);
    expect(await presence.onlineUsers()).toEqual(['carol']);
  });

  it('drops a room from a poller who left it', async () => {
    const { presence } = setup();
    await presence.touchPoller('bob', ['general', 'chess']);
    await presence.leaveRoom('bob', 'chess');
    expect(await presence.roomUsers('chess')).toEqual([]);
    expect(await presence.roomUsers('general')).toEqual(['bob']);
  });

  it('sorts users case-insensitively', async () => {
    const { presence } = setup();
    for (const [name, id] of [
      ['zed', 'a'],
      ['Amy', 'b'],
      ['bob', 'c'],
      ['Carl', 'd'],
    ] as const) {
      await presence.addSocket(name, id);
      await presence.enterRoom(name, id, 'general');
    }
    expect(await presence.onlineUsers()).toEqual(['Amy', 'bob', 'Carl', 'zed']);
    expect(await presence.roomUsers('general')).toEqual(['Amy', 'bob', 'Carl', 'zed']);
  });

  it('forgets everything on close', async () => {
    const { presence } = setup();
    await presence.addSocket('alice', 's1');
    await presence.touchPoller('bob', ['general']);
    await presence.close();
    expect(await presence.onlineUsers()).toEqual([]);
  });
});
