import { compareUsernames } from '../../protocol/index.js';
import type { Clock } from '../shared/clock.js';
import type { PollerExpiry, Presence } from './presence.js';

interface UserState {
  /** socket id → rooms it is present in (null until it enters one) */
  sockets: Map<string, Set<string> | null>;
  pollerUntil: number;
  pollerRooms: Set<string> | null;
}

/** Adds or removes `name` in the set kept for `key`, dropping empty sets. */
function indexAdd(index: Map<string, Set<string>>, key: string, name: string): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(name);
}

function indexDelete(index: Map<string, Set<string>>, key: string, name: string): void {
  const set = index.get(key);
  if (set?.delete(name) && set.size === 0) index.delete(key);
}

/**
 * Presence for a single node, kept in memory. Rooms are indexed (room → users present through
 * a socket, room → pollers), so a room's list costs its own size, not the number of users.
 */
export class MemoryPresence implements Presence {
  private readonly users = new Map<string, UserState>();
  private readonly presentByRoom = new Map<string, Set<string>>();
  private readonly pollersByRoom = new Map<string, Set<string>>();
  /** Users with a poller window not yet reported as ended (`expirePollers`). */
  private readonly pollers = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly pollerWindowMs: number,
  ) {}

  private state(username: string): UserState {
    let state = this.users.get(username);
    if (!state) {
      state = { sockets: new Map(), pollerUntil: 0, pollerRooms: null };
      this.users.set(username, state);
    }
    return state;
  }

  /** Forgets a user with no socket and no poller window (one whose end is still to report stays). */
  private forgetIfIdle(username: string, state: UserState): void {
    if (
      state.sockets.size === 0 &&
      state.pollerUntil <= this.clock.now() &&
      !this.pollers.has(username)
    ) {
      this.dropPollerRooms(username, state);
      this.users.delete(username);
    }
  }

  /** Takes the user out of the rooms of their last poll. */
  private dropPollerRooms(username: string, state: UserState): void {
    for (const roomId of state.pollerRooms ?? []) indexDelete(this.pollersByRoom, roomId, username);
    state.pollerRooms = null;
  }

  private presentIn(state: UserState, roomId: string): boolean {
    for (const rooms of state.sockets.values()) if (rooms?.has(roomId)) return true;
    return false;
  }

  async addSocket(username: string, socketId: string) {
    const state = this.state(username);
    if (!state.sockets.has(socketId)) state.sockets.set(socketId, null);
  }

  async removeSocket(username: string, socketId: string) {
    const state = this.users.get(username);
    if (!state?.sockets.has(socketId)) return [];
    const rooms = state.sockets.get(socketId) ?? [];
    state.sockets.delete(socketId);
    const left = [...rooms].filter((room) => !this.presentIn(state, room));
    for (const roomId of left) indexDelete(this.presentByRoom, roomId, username);
    this.forgetIfIdle(username, state);
    return left;
  }

  async enterRoom(username: string, socketId: string, roomId: string) {
    const state = this.state(username);
    const first = !this.presentIn(state, roomId);
    let rooms = state.sockets.get(socketId);
    if (!rooms) {
      rooms = new Set();
      state.sockets.set(socketId, rooms);
    }
    rooms.add(roomId);
    indexAdd(this.presentByRoom, roomId, username);
    return first;
  }

  async leaveRoom(username: string, roomId: string) {
    const state = this.users.get(username);
    if (!state) return false;
    const was = this.presentIn(state, roomId);
    for (const rooms of state.sockets.values()) rooms?.delete(roomId);
    state.pollerRooms?.delete(roomId);
    indexDelete(this.presentByRoom, roomId, username);
    indexDelete(this.pollersByRoom, roomId, username);
    return was;
  }

  async touchPoller(username: string, roomIds: readonly string[]) {
    const now = this.clock.now();
    const state = this.state(username);
    const wasOnline = state.sockets.size > 0 || state.pollerUntil > now;
    state.pollerUntil = now + this.pollerWindowMs;
    this.dropPollerRooms(username, state);
    state.pollerRooms = new Set(roomIds);
    for (const roomId of roomIds) indexAdd(this.pollersByRoom, roomId, username);
    this.pollers.add(username);
    return !wasOnline;
  }

  async expirePollers() {
    const now = this.clock.now();
    const expired: PollerExpiry[] = [];
    for (const username of this.pollers) {
      const state = this.users.get(username);
      if (state && state.pollerUntil > now) continue;
      this.pollers.delete(username);
      if (!state) continue;
      const roomIds = [...(state.pollerRooms ?? [])].filter((room) => !this.presentIn(state, room));
      this.dropPollerRooms(username, state);
      this.forgetIfIdle(username, state);
      if (roomIds.length > 0) expired.push({ username, roomIds });
    }
    return expired;
  }

  async onlineUsers() {
    const now = this.clock.now();
    const list: string[] = [];
    for (const [username, state] of this.users) {
      if (state.sockets.size > 0 || state.pollerUntil > now) list.push(username);
    }
    return list.sort(compareUsernames);
  }

  async roomUsers(roomId: string) {
    const now = this.clock.now();
    const list = new Set(this.presentByRoom.get(roomId));
    for (const username of this.pollersByRoom.get(roomId) ?? []) {
      if ((this.users.get(username)?.pollerUntil ?? 0) > now) list.add(username);
    }
    return [...list].sort(compareUsernames);
  }

  async close() {
    this.users.clear();
    this.presentByRoom.clear();
    this.pollersByRoom.clear();
    this.pollers.clear();
  }
}
