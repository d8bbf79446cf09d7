import {
  compareUsernames,
  GENERAL_ROOM,
  LIMITS,
  type Message,
  type Room,
} from '../protocol/index.js';

export type ConnectionStatus =
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'disconnected'
  | 'failed';

export type TimelineItem =
  | { kind: 'message'; message: Message }
  | { kind: 'notice'; key: string; text: string; timestamp: string };

export interface PendingMessage {
  clientId: string;
  room: string;
  content: string;
  createdAt: string;
  /** Set when the server refused the message (it will not be retried). */
  error?: string;
}

export interface RoomView {
  room: Room;
  items: TimelineItem[];
  unread: number;
  /** Users present in the room (update_users). */
  users: string[];
  /** Others typing now: username → when the indicator lapses (ms). */
  typing: Record<string, number>;
  /** False once history paging reached the first message. */
  hasOlder: boolean;
  loadingOlder: boolean;
}

export interface ChatState {
  me: string;
  serverUrl: string;
  status: ConnectionStatus;
  /** Why the connection is down or failed, ready to show. */
  statusText: string;
  rooms: Record<string, RoomView>;
  current: string;
  online: string[];
  announcement: string;
  pending: PendingMessage[];
  /** Highest message id seen: where `sync` resumes. */
  lastId: number;
  /** System lines for the whole client (errors, help). */
  notices: { key: string; text: string }[];
}

export function initialState(me: string, serverUrl: string): ChatState {
  return {
    me,
    serverUrl,
    status: 'connecting',
    statusText: '',
    rooms: {},
    current: GENERAL_ROOM,
    online: [],
    announcement: '',
    pending: [],
    lastId: 0,
    notices: [],
  };
}

export function emptyRoomView(room: Room): RoomView {
  return { room, items: [], unread: 0, users: [], typing: {}, hasOlder: true, loadingOlder: false };
}

function messageIds(items: readonly TimelineItem[]): Set<number> {
  const ids = new Set<number>();
  for (const item of items) if (item.kind === 'message') ids.add(item.message.id);
  return ids;
}

/** Inserts messages by id, skipping ones already there; notices keep their places. */
export function insertMessages(items: readonly TimelineItem[], messages: readonly Message[]) {
  const seen = messageIds(items);
  const fresh = messages.filter((m) => !seen.has(m.id)).sort((a, b) => a.id - b.id);
  if (fresh.length === 0) return { items: items as TimelineItem[], added: [] as Message[] };
  const next = [...items];
  for (const message of fresh) {
    let at = next.length;
    while (at > 0) {
      const before = next[at - 1];
      if (before?.kind === 'message' && before.message.id > message.id) at--;
      else if (before?.kind === 'notice' && hasLaterMessage(next, at - 1, message.id)) at--;
      else break;
    }
    next.splice(at, 0, { kind: 'message', message });
  }
  return { items: next, added: fresh };
}

function hasLaterMessage(items: readonly TimelineItem[], from: number, id: number): boolean {
  for (let i = from; i >= 0; i--) {
    const item = items[i];
    if (item?.kind === 'message') return item.message.id > id;
  }
  return false;
}

function withRoom(state: ChatState, roomId: string, update: (view: RoomView) => RoomView) {
  const view = state.rooms[roomId];
  if (!view) return state;
  return { ...state, rooms: { ...state.rooms, [roomId]: update(view) } };
}

/** Rooms known from `/rooms`, `join`, `room_created`. Keeps what was loaded already. */
export function upsertRoom(state: ChatState, room: Room): ChatState {
  const existing = state.rooms[room.id];
  const view = existing ? { ...existing, room } : emptyRoomView(room);
  return { ...state, rooms: { ...state.rooms, [room.id]: view } };
}

export function removeRoom(state: ChatState, roomId: string): ChatState {
  if (!state.rooms[roomId]) return state;
  const rooms = { ...state.rooms };
  delete rooms[roomId];
  const current = state.current === roomId ? firstRoomId(rooms) : state.current;
  return { ...state, rooms, current };
}

function firstRoomId(rooms: Record<string, RoomView>): string {
  if (rooms[GENERAL_ROOM]) return GENERAL_ROOM;
  return Object.keys(rooms)[0] ?? GENERAL_ROOM;
}

/**
 * New or synced messages: each lands in its room once. Unread counts messages from others in
 * rooms not on screen, with an id above `unreadAfter` (history the user saw before is not new).
 */
export function receiveMessages(
  state: ChatState,
  messages: readonly Message[],
  unreadAfter = 0,
): ChatState {
  let next = state;
  const byRoom = new Map<string, Message[]>();
  for (const m of messages) byRoom.set(m.room, [...(byRoom.get(m.room) ?? []), m]);
  for (const [roomId, list] of byRoom) {
    next = withRoom(next, roomId, (view) => {
      const { items, added } = insertMessages(view.items, list);
      if (added.length === 0) return view;
      const unseen =
        roomId === state.current
          ? 0
          : added.filter((m) => m.username !== state.me && m.id > unreadAfter).length;
      const typing = { ...view.typing };
      for (const m of added) delete typing[m.username];
      return { ...view, items, unread: view.unread + unseen, typing };
    });
  }
  const top = messages.reduce((max, m) => Math.max(max, m.id), next.lastId);
  const sent = new Set(messages.map((m) => m.client_id).filter(Boolean));
  const pending = next.pending.filter((p) => !sent.has(p.clientId));
  return {
    ...next,
    lastId: top,
    pending: pending.length === next.pending.length ? next.pending : pending,
  };
}

/** The history a join sends (its last 100): fewer than that means there is nothing older. */
export function receiveJoinHistory(
  state: ChatState,
  roomId: string,
  messages: readonly Message[],
  unreadAfter: number,
): ChatState {
  const next = receiveMessages(state, messages, unreadAfter);
  const view = next.rooms[roomId];
  if (!view || messages.length >= LIMITS.historyOnJoin) return next;
  return { ...next, rooms: { ...next.rooms, [roomId]: { ...view, hasOlder: false } } };
}

/** A page of older history for a room (oldest first); `full` tells whether more may exist. */
export function receiveOlder(state: ChatState, roomId: string, page: Message[], full: boolean) {
  return withRoom(state, roomId, (view) => ({
    ...view,
    items: insertMessages(view.items, page).items,
    hasOlder: full,
    loadingOlder: false,
  }));
}

export function setLoadingOlder(state: ChatState, roomId: string, loading: boolean): ChatState {
  return withRoom(state, roomId, (view) => ({ ...view, loadingOlder: loading }));
}

let noticeCounter = 0;
export function addRoomNotice(state: ChatState, roomId: string, text: string, timestamp: string) {
  noticeCounter++;
  return withRoom(state, roomId, (view) => ({
    ...view,
    items: [...view.items, { kind: 'notice', key: `n${noticeCounter}`, text, timestamp }],
  }));
}

export function addNotice(state: ChatState, text: string): ChatState {
  noticeCounter++;
  const notices = [...state.notices, { key: `g${noticeCounter}`, text }].slice(-50);
  return { ...state, notices };
}

export function setRoomUsers(state: ChatState, roomId: string, users: string[]): ChatState {
  return withRoom(state, roomId, (view) => ({ ...view, users: [...users].sort(compareUsernames) }));
}

export function setTyping(
  state: ChatState,
  roomId: string,
  username: string,
  typing: boolean,
  until: number,
): ChatState {
  return withRoom(state, roomId, (view) => {
    const next = { ...view.typing };
    if (typing) next[username] = until;
    else delete next[username];
    return { ...view, typing: next };
  });
}

/** Who is typing in a room right now (lapsed indicators are ignored). */
export function typingUsers(view: RoomView | undefined, now: number): string[] {
  if (!view) return [];
  return Object.entries(view.typing)
    .filter(([, until]) => until > now)
    .map(([name]) => name)
    .sort(compareUsernames);
}

export function switchRoom(state: ChatState, roomId: string): ChatState {
  if (!state.rooms[roomId]) return state;
  const next = withRoom(state, roomId, (view) => ({ ...view, unread: 0 }));
  return { ...next, current: roomId };
}

export function addPending(state: ChatState, pending: PendingMessage): ChatState {
  return { ...state, pending: [...state.pending, pending] };
}

export function failPending(state: ChatState, clientId: string, error: string): ChatState {
  return {
    ...state,
    pending: state.pending.map((p) => (p.clientId === clientId ? { ...p, error } : p)),
  };
}

export function dropPending(state: ChatState, clientId: string): ChatState {
  return { ...state, pending: state.pending.filter((p) => p.clientId !== clientId) };
}

/** The name a room is shown under: a direct room is named after the other person. */
export function roomTitle(room: Room, me: string): string {
  if (room.kind === 'direct') {
    const other = room.members.find((m) => m.toLowerCase() !== me.toLowerCase());
    return `@${other ?? me}`;
  }
  if (room.kind === 'public') return `#${room.name}`;
  return room.name;
}

/** Rooms in sidebar order: general first, then public, groups, direct; by title. */
export function sortedRooms(state: ChatState): RoomView[] {
  const rank = (v: RoomView) =>
    v.room.id === GENERAL_ROOM ? 0 : v.room.kind === 'public' ? 1 : v.room.kind === 'group' ? 2 : 3;
  return Object.values(state.rooms).sort(
    (a, b) =>
      rank(a) - rank(b) ||
      compareUsernames(roomTitle(a.room, state.me), roomTitle(b.room, state.me)),
  );
}
