import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  type ClientToServerEvents,
  codePointLength,
  ERRORS,
  GENERAL_ROOM,
  LIMITS,
  type Message,
  type Room,
  type ServerToClientEvents,
} from '../protocol/index.js';
import {
  addNotice,
  addPending,
  addRoomNotice,
  type ChatState,
  dropPending,
  failPending,
  initialState,
  type PendingMessage,
  receiveJoinHistory,
  receiveMessages,
  receiveOlder,
  removeRoom,
  setLoadingOlder,
  setRoomUsers,
  setTyping,
  switchRoom,
  upsertRoom,
} from './chat-state.js';
import { newClientId } from './client-id.js';
import { HttpApi } from './http-api.js';
import type { OutboxStore } from './outbox-store.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ChatClientOptions {
  serverUrl: string;
  token: string;
  username: string;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  now?: () => number;
  /** How long a send waits for its ack before it is retried on the next connection. */
  ackTimeoutMs?: number;
  /** Keeps the outbox between runs: loaded at start, saved on every change. */
  outbox?: OutboxStore;
}

const AUTH_FAILURES = new Set<string>([ERRORS.authRequired, ERRORS.sessionInvalid]);
const TYPING_REPEAT_MS = 2000;
const TYPING_IDLE_MS = 3000;
const TYPING_SHOWN_MS = 6000;
const OLDER_PAGE = 50;
/**
 * After a reconnect, sync from this many ids before the highest one seen: with several server
 * nodes, two messages committed close together on different nodes may be delivered live in
 * either order, so the highest id seen does not prove every smaller one arrived. Messages
 * already held are de-duplicated by id.
 */
const SYNC_LOOKBACK_IDS = 100;

/** How a message reached the client: as it happened, by catching up, or as older history. */
export type MessageOrigin = 'live' | 'sync' | 'history';
export type MessageListener = (messages: readonly Message[], origin: MessageOrigin) => void;

type AckResult<T> = ({ success: true } & T) | { success: false; message: string };

/**
 * The client side of the protocol, shared by the terminal and web clients: connection,
 * reconnection, catch-up (`sync`), an outbox with client_ids (a message typed while offline is
 * sent exactly once), and the state both UIs render.
 */
export class ChatClient {
  readonly socket: ClientSocket;
  readonly http: HttpApi;
  private state: ChatState;
  private readonly listeners = new Set<(state: ChatState) => void>();
  private readonly messageListeners = new Set<MessageListener>();
  private connectedOnce = false;
  private typingSentAt = 0;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingRoom: string | undefined;
  private readonly now: () => number;
  private readonly ackTimeoutMs: number;
  private firstConnect: Promise<void>;
  private settleFirst: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private catchingUp: Promise<void> | null = null;
  /**
   * History and presence the server sends for a room before the client knows the room (the
   * `join` ack comes after them): kept here until the room arrives.
   */
  private readonly early = new Map<string, { messages: Message[]; users?: string[] }>();
  /** The highest id seen when the connection dropped, until a sync has filled the gap. */
  private gapFrom: number | null = null;

  constructor(private readonly options: ChatClientOptions) {
    this.now = options.now ?? Date.now;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.http = new HttpApi(options.serverUrl);
    this.state = {
      ...initialState(options.username, options.serverUrl),
      pending: options.outbox?.load() ?? [],
    };
    this.socket = io(options.serverUrl, {
      auth: { token: options.token },
      transports: ['websocket'],
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      ...options.socketOptions,
    });
    this.firstConnect = new Promise((resolve, reject) => {
      this.settleFirst = { resolve, reject };
    });
    this.firstConnect.catch(() => undefined);
    this.bind();
  }

  getState(): ChatState {
    return this.state;
  }

  subscribe(listener: (state: ChatState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Hears every message as it arrives, with its origin, whether or not its room is known yet
   * (a message can arrive before the room list does). For clients that print a stream.
   */
  onMessages(listener: MessageListener): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  private announce(messages: readonly Message[], origin: MessageOrigin): void {
    if (messages.length === 0) return;
    for (const listener of this.messageListeners) listener(messages, origin);
  }

  private update(change: (state: ChatState) => ChatState): void {
    const next = change(this.state);
    if (next === this.state) return;
    const outboxChanged = next.pending !== this.state.pending;
    this.state = next;
    if (outboxChanged) this.options.outbox?.save(next.pending);
    for (const listener of this.listeners) listener(next);
  }

  /** Connects; resolves once connected and caught up, rejects if the session is refused. */
  start(): Promise<void> {
    this.socket.connect();
    return this.firstConnect;
  }

  stop(): void {
    clearTimeout(this.typingTimer);
    this.socket.disconnect();
    this.update((s) => ({ ...s, status: 'disconnected', statusText: '' }));
  }

  async logout(): Promise<void> {
    try {
      await this.http.logout(this.options.token);
    } finally {
      this.stop();
    }
  }

  private bind(): void {
    const s = this.socket;
    s.on('connect', () => {
      void this.onConnect();
    });
    s.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.gapFrom ??= this.state.lastId;
      const willRetry = reason !== 'io server disconnect';
      this.update((st) =>
        addNotice(
          {
            ...st,
            status: willRetry ? 'reconnecting' : 'failed',
            statusText: willRetry ? 'Disconnected from server' : 'Disconnected by the server',
          },
          'Disconnected from server',
        ),
      );
    });
    s.on('connect_error', (error) => {
      if (AUTH_FAILURES.has(error.message) || !s.active) {
        this.update((st) => ({ ...st, status: 'failed', statusText: error.message }));
        this.settleFirst?.reject(new Error(error.message));
        return;
      }
      this.update((st) => ({
        ...st,
        status: this.connectedOnce ? 'reconnecting' : 'connecting',
        statusText: `Cannot connect to server at ${this.options.serverUrl}`,
      }));
    });
    s.on('new_message', (message) => {
      this.update((st) => receiveMessages(st, [message]));
      this.announce([message], 'live');
    });
    // Room history is not news: only what arrived since the connection dropped counts unread.
    s.on('message_history', ({ room, messages }) => {
      this.update((st) => {
        if (!st.rooms[room]) {
          this.stashEarly(room, { messages });
          return st;
        }
        return receiveJoinHistory(st, room, messages, this.gapFrom ?? Number.POSITIVE_INFINITY);
      });
      this.announce(messages, 'history');
    });
    s.on('user_joined', (n) =>
      this.update((st) => addRoomNotice(st, n.room, n.message, n.timestamp)),
    );
    // Someone who left stops typing too (a node that died never sends `typing: false`).
    s.on('user_left', (n) =>
      this.update((st) =>
        setTyping(addRoomNotice(st, n.room, n.message, n.timestamp), n.room, n.username, false, 0),
      ),
    );
    s.on('update_users', ({ room, users }) =>
      this.update((st) => {
        if (st.rooms[room]) return setRoomUsers(st, room, users);
        this.stashEarly(room, { users });
        return st;
      }),
    );
    s.on('user_typing', ({ room, username, typing }) =>
      this.update((st) => setTyping(st, room, username, typing, this.now() + TYPING_SHOWN_MS)),
    );
    s.on('room_created', ({ room }) => this.update((st) => this.adopt(st, room)));
    s.on('announcement', ({ announcement }) => this.update((st) => ({ ...st, announcement })));
    s.on('online_users', ({ users }) => this.update((st) => ({ ...st, online: users })));
    s.on('error', ({ message }) => this.update((st) => addNotice(st, message)));
  }

  private stashEarly(roomId: string, part: { messages?: Message[]; users?: string[] }): void {
    const entry = this.early.get(roomId) ?? { messages: [] };
    if (part.messages) entry.messages.push(...part.messages);
    if (part.users) entry.users = part.users;
    this.early.set(roomId, entry);
    if (this.early.size > 50) this.early.delete(this.early.keys().next().value as string);
  }

  /** Adds (or refreshes) a room, with whatever arrived for it before it was known. */
  private adopt(state: ChatState, room: Room): ChatState {
    let next = upsertRoom(state, room);
    const early = this.early.get(room.id);
    if (!early) return next;
    this.early.delete(room.id);
    next = receiveJoinHistory(next, room.id, early.messages, Number.POSITIVE_INFINITY);
    return early.users ? setRoomUsers(next, room.id, early.users) : next;
  }

  private emit<T extends object>(event: keyof ClientToServerEvents, payload: unknown) {
    return new Promise<AckResult<T>>((resolve) => {
      (this.socket.timeout(this.ackTimeoutMs).emit as (...args: unknown[]) => void)(
        event,
        payload,
        (err: Error | null, response: AckResult<T>) =>
          resolve(err ? { success: false, message: 'No answer from server' } : response),
      );
    });
  }

  private async onConnect(): Promise<void> {
    const reconnect = this.connectedOnce;
    this.connectedOnce = true;
    this.update((st) => {
      const next = { ...st, status: 'connected' as const, statusText: '' };
      return reconnect ? addNotice(next, 'Reconnected') : next;
    });
    this.catchingUp = this.catchUp(reconnect);
    try {
      await this.catchingUp;
      this.settleFirst?.resolve();
    } catch (error) {
      this.update((st) => addNotice(st, `Could not load rooms: ${(error as Error).message}`));
      this.settleFirst?.resolve();
    } finally {
      this.catchingUp = null;
    }
  }

  /** After (re)connecting: rooms, presence in each, everything missed, then the outbox. */
  private async catchUp(reconnect: boolean): Promise<void> {
    const rooms = await this.http.rooms(this.options.token);
    const known = new Set(rooms.map((r) => r.id));
    this.update((st) => {
      let next = st;
      for (const id of Object.keys(st.rooms)) if (!known.has(id)) next = removeRoom(next, id);
      for (const room of rooms) next = upsertRoom(next, room);
      if (!next.rooms[next.current]) next = { ...next, current: GENERAL_ROOM };
      return next;
    });
    await Promise.all(rooms.map((room) => this.emit<{ room: Room }>('join', { room: room.id })));
    const from = Math.max(0, (this.gapFrom ?? this.state.lastId) - SYNC_LOOKBACK_IDS);
    if (reconnect && (await this.sync(from))) this.gapFrom = null;
    for (const pending of this.state.pending) if (!pending.error) void this.deliver(pending);
    void this.refreshOnline();
  }

  /**
   * Fetches every message after `from` (default: the highest id seen), page by page; true
   * once complete. After a reconnect the cursor is the highest id seen when the connection
   * first dropped: live messages (and history) arriving meanwhile must not move it past the
   * gap, even if the connection drops again before the sync completes.
   */
  async sync(from = this.state.lastId): Promise<boolean> {
    let cursor = from;
    for (let page = 0; page < 1000; page++) {
      const r = await this.emit<{ messages: Message[]; has_more: boolean }>('sync', {
        last_id: cursor,
      });
      if (!r.success) return false;
      this.update((st) => receiveMessages(st, r.messages));
      this.announce(r.messages, 'sync');
      cursor = r.messages.at(-1)?.id ?? cursor;
      if (!r.has_more || r.messages.length === 0) return true;
    }
    return false;
  }

  /** Queues a message; it is sent now if connected, else on reconnect (same client_id). */
  send(content: string, roomId = this.state.current): string | null {
    if (content.trim().length === 0) {
      this.update((st) => addNotice(st, ERRORS.messageEmpty));
      return null;
    }
    if (codePointLength(content) > LIMITS.contentMax) {
      this.update((st) => addNotice(st, ERRORS.messageTooLong));
      return null;
    }
    const pending: PendingMessage = {
      clientId: newClientId(),
      room: roomId,
      content,
      createdAt: new Date(this.now()).toISOString(),
    };
    this.stopTyping();
    this.update((st) => addPending(st, pending));
    if (this.socket.connected && !this.catchingUp) void this.deliver(pending);
    return pending.clientId;
  }

  private async deliver(pending: PendingMessage): Promise<void> {
    const r = await this.emit<{ message: Message }>('send_message', {
      content: pending.content,
      room: pending.room,
      client_id: pending.clientId,
    });
    if (r.success) {
      this.update((st) => receiveMessages(st, [r.message]));
      this.announce([r.message], 'live');
    } else if (r.message !== 'No answer from server') {
      this.update((st) => addNotice(failPending(st, pending.clientId, r.message), r.message));
    }
  }

  discardPending(clientId: string): void {
    this.update((st) => dropPending(st, clientId));
  }

  switchTo(roomId: string): boolean {
    if (!this.state.rooms[roomId]) return false;
    this.stopTyping();
    this.update((st) => switchRoom(st, roomId));
    void this.refreshRoomUsers(roomId);
    return true;
  }

  private async refreshRoomUsers(roomId: string): Promise<void> {
    const r = await this.emit<{ users: string[] }>('get_online_users', { room: roomId });
    if (r.success) this.update((st) => setRoomUsers(st, roomId, r.users));
  }

  async refreshOnline(): Promise<string[]> {
    const r = await this.emit<{ users: string[] }>('get_online_users', {});
    if (!r.success) return this.state.online;
    this.update((st) => ({ ...st, online: r.users }));
    return r.users;
  }

  /** Joins (or creates) a public room and switches to it. Resolves with an error message. */
  async join(name: string): Promise<string | null> {
    const r = await this.emit<{ room: Room }>('join', { room: name });
    if (!r.success) return r.message;
    this.update((st) => switchRoom(this.adopt(st, r.room), r.room.id));
    return null;
  }

  async leave(roomId = this.state.current): Promise<string | null> {
    const r = await this.emit<object>('leave', { room: roomId });
    if (!r.success) return r.message;
    this.update((st) => removeRoom(st, roomId));
    return null;
  }

  async openDirect(username: string): Promise<string | null> {
    const r = await this.emit<{ room: Room }>('open_direct', { username });
    if (!r.success) return r.message;
    this.update((st) => switchRoom(this.adopt(st, r.room), r.room.id));
    await this.emit('join', { room: r.room.id });
    return null;
  }

  async createGroup(participants: string[], name?: string): Promise<string | null> {
    const payload = name ? { participants, name } : { participants };
    const r = await this.emit<{ room: Room }>('create_room', payload);
    if (!r.success) return r.message;
    this.update((st) => switchRoom(this.adopt(st, r.room), r.room.id));
    await this.emit('join', { room: r.room.id });
    return null;
  }

  /** Loads the page of history before the oldest message shown in the room. */
  async loadOlder(roomId = this.state.current): Promise<void> {
    const view = this.state.rooms[roomId];
    if (!view?.hasOlder || view.loadingOlder) return;
    const first = view.items.find((i) => i.kind === 'message');
    const before = first?.kind === 'message' ? first.message.id : undefined;
    this.update((st) => setLoadingOlder(st, roomId, true));
    const payload =
      before === undefined
        ? { room: roomId, limit: OLDER_PAGE }
        : { room: roomId, before, limit: OLDER_PAGE };
    const r = await this.emit<{ messages: Message[] }>('history', payload);
    if (!r.success) {
      this.update((st) => setLoadingOlder(st, roomId, false));
      return;
    }
    this.update((st) => receiveOlder(st, roomId, r.messages, r.messages.length >= OLDER_PAGE));
    this.announce(r.messages, 'history');
  }

  /** Call on every keystroke: tells the room at most every 2 s, and stops after 3 s idle. */
  typing(): void {
    const room = this.state.current;
    if (!this.socket.connected) return;
    const now = this.now();
    if (this.typingRoom !== room || now - this.typingSentAt > TYPING_REPEAT_MS) {
      this.typingSentAt = now;
      this.typingRoom = room;
      this.socket.emit('typing', { room, typing: true });
    }
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping(): void {
    clearTimeout(this.typingTimer);
    this.typingTimer = undefined;
    if (this.typingRoom && this.socket.connected) {
      this.socket.emit('typing', { room: this.typingRoom, typing: false });
    }
    this.typingRoom = undefined;
    this.typingSentAt = 0;
  }
}
