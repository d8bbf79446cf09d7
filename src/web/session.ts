import type { PendingMessage } from '../client/chat-state.js';
import { type OutboxStore, parseOutbox } from '../client/outbox-store.js';
/**
 * The signed-in session in the browser: the token (sent as the Socket.IO auth token and as the
 * Bearer header) and the username. sessionStorage by default (gone when the tab closes);
 * localStorage when the person ticked "Remember me". The server also sets an HttpOnly cookie.
 */
export interface StoredSession {
  token: string;
  username: string;
}

const KEY = 'chatroom.session';
const OUTBOX_PREFIX = 'chatroom.outbox.';

function read(storage: Storage | undefined): StoredSession | null {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof value.token !== 'string' || typeof value.username !== 'string') return null;
    return { token: value.token, username: value.username };
  } catch {
    return null;
  }
}

function storages(): { session?: Storage; local?: Storage } {
  try {
    return { session: globalThis.sessionStorage, local: globalThis.localStorage };
  } catch {
    return {};
  }
}

export function loadSession(): StoredSession | null {
  const { session, local } = storages();
  return read(session) ?? read(local);
}

/**
 * Signing in: the new session replaces any other. Messages a session of the same person left
 * unsent when it ended (`endSession`) move to the new one's outbox, to be sent now (once: they
 * keep their client_ids); anyone else's are forgotten.
 */
export function saveSession(value: StoredSession, remember: boolean): void {
  const { session, local } = storages();
  const waiting = keptOutbox(value.username);
  clearSession();
  const storage = remember ? local : session;
  try {
    storage?.setItem(KEY, JSON.stringify(value));
    if (waiting.length > 0) storage?.setItem(outboxKey(value.username), JSON.stringify(waiting));
  } catch {
    // Storage full or disabled: the session lasts as long as the page.
  }
}

/** Logging out forgets the session and every outbox with it. */
export function clearSession(): void {
  removeStored(() => true);
}

/**
 * A session that ended without logging out (refused by the server: expired, or revoked
 * elsewhere; or left from the error banner) is forgotten, but its outbox is kept for the same
 * person's next sign-in (`saveSession`). Returns how many messages wait there.
 */
export function endSession(value: StoredSession): number {
  const waiting = keptOutbox(value.username).length;
  const keep = outboxKey(value.username).toLowerCase();
  removeStored((key) => key === KEY || key.toLowerCase() !== keep);
  return waiting;
}

function outboxKey(username: string): string {
  return `${OUTBOX_PREFIX}${username}`;
}

/** Every stored key that is the session or an outbox and that `which` picks, removed. */
function removeStored(which: (key: string) => boolean): void {
  const { session, local } = storages();
  try {
    for (const storage of [session, local]) {
      if (!storage) continue;
      for (const key of keysOf(storage)) {
        if ((key === KEY || key.startsWith(OUTBOX_PREFIX)) && which(key)) storage.removeItem(key);
      }
    }
  } catch {
    // Nothing stored.
  }
}

/** The keys a storage holds now (a copy: removing items while walking it is safe). */
function keysOf(storage: Storage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key !== null) keys.push(key);
  }
  return keys;
}

/** The outbox stored for `username` (usernames compare case-insensitively), wherever it is. */
function keptOutbox(username: string): PendingMessage[] {
  const wanted = outboxKey(username).toLowerCase();
  const { session, local } = storages();
  const waiting: PendingMessage[] = [];
  try {
    for (const storage of [session, local]) {
      if (!storage) continue;
      for (const key of keysOf(storage)) {
        if (key.toLowerCase() !== wanted) continue;
        for (const message of parseOutbox(storage.getItem(key))) {
          if (!waiting.some((m) => m.clientId === message.clientId)) waiting.push(message);
        }
      }
    }
  } catch {
    // Nothing stored.
  }
  return waiting;
}

/**
 * The session's outbox (messages typed and not yet acknowledged), kept where the session is
 * (the tab's sessionStorage, or localStorage with "Remember me"): a reload, or reopening the
 * remembered app, still sends them, once.
 */
export function sessionOutbox(value: StoredSession): OutboxStore {
  const { session, local } = storages();
  const key = outboxKey(value.username);
  const storage = read(local)?.token === value.token ? local : session;
  return {
    load: () => {
      try {
        return parseOutbox(storage?.getItem(key));
      } catch {
        return [];
      }
    },
    save: (pending) => {
      try {
        if (pending.length === 0) storage?.removeItem(key);
        else storage?.setItem(key, JSON.stringify(pending));
      } catch {
        // Storage full or disabled: the outbox lasts as long as the page.
      }
    },
  };
}
