import { createHash, randomBytes } from 'node:crypto';
import { compareUsernames } from '../../protocol/index.js';
import type { Clock } from '../shared/clock.js';
import type { DepartureListener, PollerExpiry, Presence } from './presence.js';

/** The node-redis calls presence needs: a connected `createClient()` client fits. */
export interface RedisScripts {
  eval(script: string, options: { arguments: string[] }): Promise<unknown>;
  evalSha(sha1: string, options: { arguments: string[] }): Promise<unknown>;
}

export interface RedisPresenceOptions {
  redis: RedisScripts;
  /** Every key starts with `<keyPrefix>:`. */
  keyPrefix: string;
  clock: Clock;
  /** How long a REST poll keeps a user online (the protocol's 30 seconds). */
  pollerWindowMs: number;
  /** A node whose heartbeat is older than this is dead: its sockets are swept. */
  ttlMs: number;
  /** Defaults to a random id; one per process. */
  nodeId?: string;
  /** Heartbeat and sweep on a timer every `ttlMs / 3` (default); false: call `tick()` yourself. */
  autoTick?: boolean;
  /**
   * This node missed its own heartbeats (Redis unreachable, event loop stalled) and was
   * presumed dead; its presence is gone. Disconnect its local sockets so clients reconnect.
   */
  onEvicted?: () => void;
  onError?: (error: unknown, context: string) => void;
}

/*
 * Keys, under the prefix P (usernames, room ids, socket and node ids never contain ':'):
 *   P:nodes            set    node ids that own sockets
 *   P:alive:<node>     string the node's heartbeat, expires after the TTL
 *   P:node:<node>      hash   socket id → username, the node's sockets
 *   P:user:<user>      hash   socket id → node, the user's sockets on every node
 *   P:online           set    users holding at least one socket
 *   P:sock:<socket>    set    rooms the socket is present in
 *   P:room:<room>      hash   user → number of the user's sockets present in the room
 *   P:pollers          zset   user → end of the poller window (ms)
 *   P:proom:<room>     zset   user → end of the poller window, for pollers of the room
 *   P:prooms:<user>    set    rooms of the user's last poll
 * Every change is one Lua script, so it is atomic across nodes. A poller whose window ended
 * leaves P:pollers when a node reports it (`expirePollers`); the poller keys also expire by
 * themselves (twice the window) should no node be left to sweep. Socket keys are removed on
 * disconnect, or swept when their node dies.
 */
const PRELUDE = `
local p = ARGV[1]
local function k(...) return table.concat({p, ...}, ':') end
local function addSocket(node, user, sid)
  redis.call('HSET', k('user', user), sid, node)
  redis.call('HSET', k('node', node), sid, user)
  redis.call('SADD', k('online'), user)
end
local function dropSocket(user, sid)
  local userKey = k('user', user)
  local node = redis.call('HGET', userKey, sid)
  if not node then return false end
  redis.call('HDEL', userKey, sid)
  redis.call('HDEL', k('node', node), sid)
  if redis.call('EXISTS', userKey) == 0 then redis.call('SREM', k('online'), user) end
  local sockKey = k('sock', sid)
  local rooms = redis.call('SMEMBERS', sockKey)
  redis.call('DEL', sockKey)
  local left = {}
  for _, room in ipairs(rooms) do
    local roomKey = k('room', room)
    if redis.call('HINCRBY', roomKey, user, -1) <= 0 then
      redis.call('HDEL', roomKey, user)
      left[#left + 1] = room
    end
  end
  return left
end
local function reap(node, out)
  local nodeKey = k('node', node)
  local sockets = redis.call('HGETALL', nodeKey)
  for i = 1, #sockets, 2 do
    local user = sockets[i + 1]
    local left = dropSocket(user, sockets[i])
    if left and #left > 0 then
      out[#out + 1] = user
      out[#out + 1] = left
    end
  end
  redis.call('DEL', nodeKey)
  redis.call('SREM', k('nodes'), node)
end
`;

const SCRIPTS = {
  // ARGV: p, node, user, socket
  addSocket: `
addSocket(ARGV[2], ARGV[3], ARGV[4])
redis.call('SADD', k('nodes'), ARGV[2])
return 1`,
  // ARGV: p, user, socket → rooms where it was the user's last present socket
  removeSocket: `
return dropSocket(ARGV[2], ARGV[3]) or {}`,
  // ARGV: p, node, user, socket, room → 1 when the user's first socket in the room
  enterRoom: `
local user, sid = ARGV[3], ARGV[4]
if redis.call('HEXISTS', k('user', user), sid) == 0 then
  addSocket(ARGV[2], user, sid)
  redis.call('SADD', k('nodes'), ARGV[2])
end
if redis.call('SADD', k('sock', sid), ARGV[5]) == 0 then return 0 end
if redis.call('HINCRBY', k('room', ARGV[5]), user, 1) == 1 then return 1 end
return 0`,
  // ARGV: p, user, room → 1 when the user was present there
  leaveRoom: `
local user, room = ARGV[2], ARGV[3]
local roomKey = k('room', room)
local was = redis.call('HEXISTS', roomKey, user)
redis.call('HDEL', roomKey, user)
for _, sid in ipairs(redis.call('HKEYS', k('user', user))) do
  redis.call('SREM', k('sock', sid), room)
end
redis.call('ZREM', k('proom', room), user)
redis.call('SREM', k('prooms', user), room)
return was`,
  // ARGV: p, user, now, until, keep (ms), rooms... → 1 when the user was offline
  touchPoller: `
local user, now, untilMs, keep = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5]
local pollers = k('pollers')
local score = redis.call('ZSCORE', pollers, user)
local online = redis.call('EXISTS', k('user', user)) == 1 or (score and tonumber(score) > now)
redis.call('ZADD', pollers, untilMs, user)
redis.call('PEXPIRE', pollers, keep)
local mine = k('prooms', user)
for _, room in ipairs(redis.call('SMEMBERS', mine)) do
  redis.call('ZREM', k('proom', room), user)
end
redis.call('DEL', mine)
for i = 6, #ARGV do
  local roomKey = k('proom', ARGV[i])
  redis.call('ZREMRANGEBYSCORE', roomKey, '-inf', now)
  redis.call('ZADD', roomKey, untilMs, user)
  redis.call('PEXPIRE', roomKey, keep)
  redis.call('SADD', mine, ARGV[i])
end
redis.call('PEXPIRE', mine, keep)
if online then return 0 end
return 1`,
  // ARGV: p, now → { user, rooms no longer listed, ... } for pollers whose window ended: each
  // is taken out of the zset here, so one node reports it
  expirePollers: `
local pollers = k('pollers')
local out = {}
for _, user in ipairs(redis.call('ZRANGEBYSCORE', pollers, '-inf', ARGV[2])) do
  redis.call('ZREM', pollers, user)
  local mine = k('prooms', user)
  local gone = {}
  for _, room in ipairs(redis.call('SMEMBERS', mine)) do
    redis.call('ZREM', k('proom', room), user)
    if redis.call('HEXISTS', k('room', room), user) == 0 then gone[#gone + 1] = room end
  end
  redis.call('DEL', mine)
  if #gone > 0 then
    out[#out + 1] = user
    out[#out + 1] = gone
  end
end
return out`,
  // ARGV: p, now → { users with sockets, pollers }
  onlineUsers: `
return { redis.call('SMEMBERS', k('online')),
  redis.call('ZRANGEBYSCORE', k('pollers'), '(' .. ARGV[2], '+inf') }`,
  // ARGV: p, room, now → { users with sockets present, pollers of the room }
  roomUsers: `
return { redis.call('HKEYS', k('room', ARGV[2])),
  redis.call('ZRANGEBYSCORE', k('proom', ARGV[2]), '(' .. ARGV[3], '+inf') }`,
  // ARGV: p, node, ttl → 1 registered
  register: `
redis.call('SET', k('alive', ARGV[2]), '1', 'PX', ARGV[3])
redis.call('SADD', k('nodes'), ARGV[2])
return 1`,
  // ARGV: p, node, ttl → 1 still alive, 0 when the heartbeat had already expired
  heartbeat: `
if redis.call('SET', k('alive', ARGV[2]), '1', 'PX', ARGV[3], 'XX') then
  redis.call('SADD', k('nodes'), ARGV[2])
  return 1
end
return 0`,
  // ARGV: p, node or '' → { user, rooms left, ... } for that node, or for every dead node
  reap: `
local out = {}
if ARGV[2] ~= '' then
  reap(ARGV[2], out)
  redis.call('DEL', k('alive', ARGV[2]))
else
  for _, node in ipairs(redis.call('SMEMBERS', k('nodes'))) do
    if redis.call('EXISTS', k('alive', node)) == 0 then reap(node, out) end
  end
end
return out`,
} as const;

type ScriptName = keyof typeof SCRIPTS;

interface Script {
  source: string;
  sha1: string;
}

const COMPILED = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, body]) => {
    const source = PRELUDE + body;
    return [name, { source, sha1: createHash('sha1').update(source).digest('hex') }];
  }),
) as Record<ScriptName, Script>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** A script's `{ user, rooms, user, rooms, ... }` reply (departures, ended pollers). */
function usersAndRooms(reply: unknown): PollerExpiry[] {
  const flat = Array.isArray(reply) ? reply : [];
  const out: PollerExpiry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.push({ username: String(flat[i]), roomIds: strings(flat[i + 1]) });
  }
  return out;
}

/**
 * Presence shared by every node through Redis, with the same semantics as MemoryPresence.
 * Each node heartbeats a key that expires after `ttlMs`; every node sweeps, on the same
 * timer, the sockets of nodes whose heartbeat expired and reports them as departures
 * (`user_left`, `update_users`), so users of a dead node vanish within ttl + ttl/3.
 */
export class RedisPresence implements Presence {
  readonly nodeId: string;
  private readonly listeners: DepartureListener[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: RedisPresenceOptions) {
    this.nodeId = options.nodeId ?? randomBytes(8).toString('hex');
    if (!/^[A-Za-z0-9_.-]+$/.test(this.nodeId)) throw new Error('node id: letters, digits, _ . -');
  }

  /**
   * Registers this node and starts the timer. The first sweep (which also takes care of
   * nodes that died while nobody watched) comes one interval later, once departure
   * listeners are in place.
   */
  async start(): Promise<void> {
    await this.run('register', this.nodeId, String(Math.ceil(this.options.ttlMs)));
    if (this.options.autoTick !== false && !this.closing) {
      const every = Math.max(100, Math.floor(this.options.ttlMs / 3));
      this.timer = setInterval(() => void this.tick(), every);
      this.timer.unref();
    }
  }

  onDeparture(listener: DepartureListener): void {
    this.listeners.push(listener);
  }

  /** Heartbeat, then sweep dead nodes. Runs on the timer; never rejects. */
  tick(): Promise<void> {
    if (this.closing) return this.closing;
    this.ticking ??= this.heartbeatAndSweep().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async heartbeatAndSweep(): Promise<void> {
    try {
      const ttl = String(Math.ceil(this.options.ttlMs));
      if (Number(await this.run('heartbeat', this.nodeId, ttl)) === 0 && !this.closing) {
        // Presumed dead by the others: finish the sweep of our own sockets, come back, and
        // have our clients reconnect so their presence is rebuilt.
        const departures = await this.run('reap', this.nodeId);
        await this.run('register', this.nodeId, ttl);
        await this.announce(departures);
        this.options.onEvicted?.();
      }
      await this.announce(await this.run('reap', ''));
    } catch (error) {
      this.options.onError?.(error, 'presence heartbeat');
    }
  }

  private async announce(reply: unknown): Promise<void> {
    for (const { username, roomIds } of usersAndRooms(reply)) {
      for (const listener of this.listeners) {
        try {
          await listener(username, roomIds);
        } catch (error) {
          this.options.onError?.(error, 'presence departure');
        }
      }
    }
  }

  private run(name: ScriptName, ...args: string[]): Promise<unknown> {
    const { redis, keyPrefix } = this.options;
    const script = COMPILED[name];
    const options = { arguments: [keyPrefix, ...args] };
    const call = redis.evalSha(script.sha1, options).catch((error: unknown) => {
      if (!String((error as Error)?.message ?? error).includes('NOSCRIPT')) throw error;
      return redis.eval(script.source, options);
    });
    this.pending.add(call);
    const forget = () => this.pending.delete(call);
    call.then(forget, forget);
    return call;
  }

  private now(): number {
    return Math.floor(this.options.clock.now());
  }

  async addSocket(username: string, socketId: string) {
    await this.run('addSocket', this.nodeId, username, socketId);
  }

  async removeSocket(username: string, socketId: string) {
    return strings(await this.run('removeSocket', username, socketId));
  }

  async enterRoom(username: string, socketId: string, roomId: string) {
    return Number(await this.run('enterRoom', this.nodeId, username, socketId, roomId)) === 1;
  }

  async leaveRoom(username: string, roomId: string) {
    return Number(await this.run('leaveRoom', username, roomId)) === 1;
  }

  async touchPoller(username: string, roomIds: readonly string[]) {
    const now = this.now();
    const window = Math.ceil(this.options.pollerWindowMs);
    const reply = await this.run(
      'touchPoller',
      username,
      String(now),
      String(now + window),
      String(2 * window + 1000),
      ...new Set(roomIds),
    );
    return Number(reply) === 1;
  }

  async expirePollers() {
    return usersAndRooms(await this.run('expirePollers', String(this.now())));
  }

  async onlineUsers() {
    const [sockets, pollers] = (await this.run('onlineUsers', String(this.now()))) as unknown[];
    return [...new Set([...strings(sockets), ...strings(pollers)])].sort(compareUsernames);
  }

  async roomUsers(roomId: string) {
    const reply = (await this.run('roomUsers', roomId, String(this.now()))) as unknown[];
    const [present, pollers] = reply;
    return [...new Set([...strings(present), ...strings(pollers)])].sort(compareUsernames);
  }

  /**
   * Stops heartbeating and removes this node's sockets (their users leave where this was
   * their last socket: announced like a sweep). Pollers stay: they are not tied to a node.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      await this.ticking;
      await Promise.allSettled([...this.pending]);
      try {
        await this.announce(await this.run('reap', this.nodeId));
      } catch (error) {
        this.options.onError?.(error, 'presence close');
      }
    })();
    return this.closing;
  }
}
