import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryPresence } from '../src/server/presence/memory-presence.js';
import type { Presence } from '../src/server/presence/presence.js';
import { RedisPresence } from '../src/server/presence/redis-presence.js';
import {
  countRedisKeys,
  deleteRedisKeys,
  REDIS_TEST_URL,
  uniqueRedisPrefix,
} from './helpers/redis.js';

/**
 * The Presence contract: MemoryPresence (one node) and RedisPresence (several nodes) must
 * behave the same, since PresenceService turns their answers into user_joined / user_left /
 * update_users. Then what only several nodes have: sharing, and the sweep of a dead node.
 */

const WINDOW_MS = 30_000;

type Redis = ReturnType<typeof createClient>;

let redis: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = createClient({ url: REDIS_TEST_URL });
  redis.on('error', () => undefined);
  await redis.connect();
});

afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
  redis?.destroy();
});

function redisPresence(
  clock: { now(): number },
  keyPrefix: string,
  extra: Partial<ConstructorParameters<typeof RedisPresence>[0]> = {},
): RedisPresence {
  return new RedisPresence({
    redis,
    keyPrefix,
    clock,
    pollerWindowMs: WINDOW_MS,
    ttlMs: 60_000,
    autoTick: false,
    ...extra,
  });
}

const kinds = {
  memory: async (clock: { now(): number }) => new MemoryPresence(clock, WINDOW_MS),
  redis: async (clock: { now(): number }) => {
    const prefix = uniqueRedisPrefix('presence');
    prefixes.push(prefix);
    const presence = redisPresence(clock, prefix);
    await presence.start();
    return presence;
  },
};

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])('Presence contract: %s', (kind) => {
  let now: number;
  const clock = { now: () => now };
  let presence: Presence;

  beforeEach(async () => {
    now = Date.parse('2026-11-21T10:00:00.000Z');
    presence = await kinds[kind](clock);
  });
  afterEach(async () => {
    await presence.close();
  });

  it('is empty at first', async () => {
    expect(await presence.onlineUsers()).toEqual([]);
    expect(await presence.roomUsers('general')).toEqual([]);
    expect(await presence.removeSocket('nobody', 's0')).toEqual([]);
    expect(await presence.leaveRoom('nobody', 'general')).toBe(false);
  });

  it('a socket makes its user online; lists sort case-insensitively', async () => {
    await presence.addSocket('bob', 's1');
    await presence.addSocket('Alice', 's2');
    await presence.addSocket('carol', 's3');
    await presence.addSocket('bob', 's1');
    expect(await presence.onlineUsers()).toEqual(['Alice', 'bob', 'carol']);
    expect(await presence.roomUsers('general')).toEqual([]);
  });

  it("only the user's first socket in a room enters it; the last one out leaves it", async () => {
    await presence.addSocket('alice', 'a1');
    await presence.addSocket('alice', 'a2');
    expect(await presence.enterRoom('alice', 'a1', 'general')).toBe(true);
    expect(await presence.enterRoom('alice', 'a1', 'general')).toBe(false);
    expect(await presence.enterRoom('alice', 'a2', 'general')).toBe(false);
    expect(await presence.enterRoom('alice', 'a2', 'dev')).toBe(true);
    expect(await presence.roomUsers('general')).toEqual(['alice']);

    expect(await presence.removeSocket('alice', 'a1')).toEqual([]);
    expect(await presence.roomUsers('general')).toEqual(['alice']);
    expect((await presence.removeSocket('alice', 'a2')).sort()).toEqual(['dev', 'general']);
    expect(await presence.roomUsers('general')).toEqual([]);
    expect(await presence.onlineUsers()).toEqual([]);
    expect(await presence.removeSocket('alice', 'a2')).toEqual([]);
  });

  it('entering a room with a socket not yet added adds it', async () => {
    expect(await presence.enterRoom('dave', 'd1', 'general')).toBe(true);
    expect(await presence.onlineUsers()).toEqual(['dave']);
    expect(await presence.removeSocket('dave', 'd1')).toEqual(['general']);
  });

  it('tells rooms apart and users apart', async () => {
    await presence.enterRoom('alice', 'a1', 'general');
    await presence.enterRoom('bob', 'b1', 'general');
    await presence.enterRoom('bob', 'b1', 'dm_1');
    expect(await presence.roomUsers('general')).toEqual(['alice', 'bob']);
    expect(await presence.roomUsers('dm_1')).toEqual(['bob']);
    expect(await presence.removeSocket('alice', 'a1')).toEqual(['general']);
    expect(await presence.roomUsers('general')).toEqual(['bob']);
  });

  it('leaving a room takes every socket of the user out of it', async () => {
    await presence.enterRoom('alice', 'a1', 'general');
    await presence.enterRoom('alice', 'a2', 'general');
    await presence.enterRoom('alice', 'a2', 'dev');
    expect(await presence.leaveRoom('alice', 'general')).toBe(true);
    expect(await presence.leaveRoom('alice', 'general')).toBe(false);
    expect(await presence.roomUsers('general')).toEqual([]);
    expect(await presence.onlineUsers()).toEqual(['alice']);
    expect(await presence.removeSocket('alice', 'a1')).toEqual([]);
    expect(await presence.removeSocket('alice', 'a2')).toEqual(['dev']);
    // Entering again is a first entry.
    expect(await presence.enterRoom('alice', 'a3', 'general')).toBe(true);
  });

  it('a poll keeps a user online and present in its rooms for the window', async () => {
    expect(await presence.touchPoller('pat', ['general', 'dm_2'])).toBe(true);
    expect(await presence.touchPoller('pat', ['general', 'dm_2'])).toBe(false);
    expect(await presence.onlineUsers()).toEqual(['pat']);
    expect(await presence.roomUsers('dm_2')).toEqual(['pat']);

    now += WINDOW_MS - 1;
    expect(await presence.onlineUsers()).toEqual(['pat']);
    now += 1;
    expect(await presence.onlineUsers()).toEqual([]);
    expect(await presence.roomUsers('general')).toEqual([]);
    expect(await presence.touchPoller('pat', ['general'])).toBe(true);
    expect(await presence.roomUsers('general')).toEqual(['pat']);
  });

  it("a poll replaces the poller's rooms; leaving removes one", async () => {
    await presence.touchPoller('pat', ['general', 'dev']);
    await presence.touchPoller('pat', ['dev', 'ops']);
    expect(await presence.roomUsers('general')).toEqual([]);
    expect(await presence.roomUsers('ops')).toEqual(['pat']);
    expect(await presence.leaveRoom('pat', 'ops')).toBe(false);
    expect(await presence.roomUsers('ops')).toEqual([]);
    expect(await presence.roomUsers('dev')).toEqual(['pat']);
  });

  it('a poll by a user holding a socket is not news; a poller is not a socket', async () => {
    await presence.addSocket('sam', 's1');
    expect(await presence.touchPoller('sam', ['general'])).toBe(false);
    expect(await presence.roomUsers('general')).toEqual(['sam']);
    // Being present by polling does not make a socket's entry any less the first.
    expect(await presence.enterRoom('sam', 's1', 'general')).toBe(true);
    expect(await presence.removeSocket('sam', 's1')).toEqual(['general']);
    expect(await presence.onlineUsers()).toEqual(['sam']);
    expect(await presence.roomUsers('general')).toEqual(['sam']);
  });

  it('reports a poller once their window ends, with the rooms a socket does not keep them in', async () => {
    await presence.touchPoller('pat', ['general', 'dev']);
    await presence.enterRoom('pat', 'p1', 'dev');
    now += WINDOW_MS - 1;
    expect(await presence.expirePollers()).toEqual([]);
    now += 1;
    expect(await presence.expirePollers()).toEqual([{ username: 'pat', roomIds: ['general'] }]);
    expect(await presence.expirePollers()).toEqual([]);
    expect(await presence.roomUsers('general')).toEqual([]);
    expect(await presence.roomUsers('dev')).toEqual(['pat']);
    // A poller whose every room is kept by a socket ends without leaving any list.
    await presence.touchPoller('pat', ['dev']);
    now += WINDOW_MS;
    expect(await presence.expirePollers()).toEqual([]);
  });

  it('reports an ended window even when someone else polled after it ended', async () => {
    await presence.touchPoller('pat', ['general']);
    now += WINDOW_MS;
    await presence.touchPoller('sam', ['general']);
    expect(await presence.expirePollers()).toEqual([{ username: 'pat', roomIds: ['general'] }]);
    expect(await presence.roomUsers('general')).toEqual(['sam']);
  });

  it('does not report a poller who polled again before the window ended', async () => {
    await presence.touchPoller('pat', ['general']);
    now += WINDOW_MS - 1;
    await presence.touchPoller('pat', ['general']);
    now += 1;
    expect(await presence.expirePollers()).toEqual([]);
    now += WINDOW_MS;
    expect(await presence.expirePollers()).toEqual([{ username: 'pat', roomIds: ['general'] }]);
    // Back after the report: online again, and reported again when that window ends.
    expect(await presence.touchPoller('pat', ['general'])).toBe(true);
    now += WINDOW_MS;
    expect(await presence.expirePollers()).toEqual([{ username: 'pat', roomIds: ['general'] }]);
  });

  it("reports an ended poller's rooms even when their last socket went first", async () => {
    await presence.addSocket('pat', 'p1');
    await presence.touchPoller('pat', ['general']);
    now += WINDOW_MS;
    expect(await presence.removeSocket('pat', 'p1')).toEqual([]);
    expect(await presence.expirePollers()).toEqual([{ username: 'pat', roomIds: ['general'] }]);
    expect(await presence.onlineUsers()).toEqual([]);
  });

  it('lists a user present both ways once', async () => {
    await presence.enterRoom('sam', 's1', 'general');
    await presence.touchPoller('sam', ['general']);
    expect(await presence.onlineUsers()).toEqual(['sam']);
    expect(await presence.roomUsers('general')).toEqual(['sam']);
  });
});

describe('RedisPresence across nodes', () => {
  let prefix: string;
  const opened: RedisPresence[] = [];
  const clock = { now: () => Date.now() };

  function node(extra: Partial<ConstructorParameters<typeof RedisPresence>[0]> = {}) {
    const presence = redisPresence(clock, prefix, extra);
    opened.push(presence);
    return presence;
  }

  beforeEach(() => {
    prefix = uniqueRedisPrefix('nodes');
    prefixes.push(prefix);
  });
  afterEach(async () => {
    for (const presence of opened.splice(0)) await presence.close();
    await deleteRedisKeys(prefix);
  });

  it('shares sockets, rooms and pollers between nodes', async () => {
    const one = node();
    const two = node();
    await Promise.all([one.start(), two.start()]);
    expect(await one.enterRoom('alice', 'a1', 'general')).toBe(true);
    expect(await two.enterRoom('alice', 'a2', 'general')).toBe(false);
    await two.touchPoller('pat', ['general']);
    expect(await two.roomUsers('general')).toEqual(['alice', 'pat']);
    expect(await one.onlineUsers()).toEqual(['alice', 'pat']);
    expect(await two.removeSocket('alice', 'a1')).toEqual([]);
    expect(await one.removeSocket('alice', 'a2')).toEqual(['general']);
  });

  it('reports an ended poller on one node only, whichever sweeps first', async () => {
    const one = node({ pollerWindowMs: 1 });
    const two = node({ pollerWindowMs: 1 });
    await Promise.all([one.start(), two.start()]);
    await one.touchPoller('pat', ['general', 'dev']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const reports = (await Promise.all([one.expirePollers(), two.expirePollers()])).flat();
    expect(reports).toHaveLength(1);
    expect(reports[0]?.username).toBe('pat');
    expect(reports[0]?.roomIds.sort()).toEqual(['dev', 'general']);
  });

  it("sweeps a dead node's sockets and reports who left which rooms", async () => {
    const dead = node({ ttlMs: 300 });
    const alive = node();
    await dead.start();
    await alive.start();
    await dead.enterRoom('alice', 'a1', 'general');
    await dead.enterRoom('alice', 'a1', 'dev');
    await dead.enterRoom('bob', 'b1', 'general');
    await alive.enterRoom('bob', 'b2', 'general');
    await dead.addSocket('idle', 'i1');
    const departures: [string, string[]][] = [];
    alive.onDeparture(async (username, rooms) => {
      departures.push([username, rooms.sort()]);
    });
    // `dead` never ticks again, as if its process were killed: its heartbeat expires.
    const deadline = Date.now() + 10_000;
    while (departures.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await alive.tick();
    }
    expect(departures).toEqual([['alice', ['dev', 'general']]]);
    expect(await alive.onlineUsers()).toEqual(['bob']);
    expect(await alive.roomUsers('general')).toEqual(['bob']);
    expect(await alive.roomUsers('dev')).toEqual([]);
    // Swept once: another sweep finds nothing.
    await alive.tick();
    expect(departures).toHaveLength(1);
  });

  it('a node that missed its heartbeats leaves, comes back, and reconnects its sockets', async () => {
    let evicted = 0;
    const late = node({ onEvicted: () => evicted++ });
    const other = node();
    await late.start();
    await other.start();
    await late.enterRoom('alice', 'a1', 'general');
    const departures: string[] = [];
    late.onDeparture(async (username) => {
      departures.push(username);
    });
    await redis.del(`${prefix}:alive:${late.nodeId}`);
    await late.tick();
    expect(evicted).toBe(1);
    expect(departures).toEqual(['alice']);
    expect(await other.onlineUsers()).toEqual([]);
    expect(await redis.exists(`${prefix}:alive:${late.nodeId}`)).toBe(1);
    await late.tick();
    expect(evicted).toBe(1);
  });

  it('closing a node removes its sockets and reports the departures; keys are cleaned', async () => {
    const leaving = node();
    const staying = node();
    await Promise.all([leaving.start(), staying.start()]);
    await leaving.enterRoom('alice', 'a1', 'general');
    await staying.enterRoom('bob', 'b1', 'general');
    const departures: string[] = [];
    leaving.onDeparture(async (username) => {
      departures.push(username);
    });
    await leaving.close();
    expect(departures).toEqual(['alice']);
    expect(await staying.roomUsers('general')).toEqual(['bob']);
    await staying.removeSocket('bob', 'b1');
    await staying.close();
    expect(await countRedisKeys(prefix)).toBe(0);
  });
});
