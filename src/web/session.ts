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

export function saveSession(value: StoredSession, remember: boolean): void {
  const { session, local } = storages();
  clearSession();
  try {
    (remember ? local : session)?.setItem(KEY, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the session lasts as long as the page.
  }
}

/** Signing out (or in afresh) also forgets the outbox of the session that ends. */
export function clearSession(): void {
  const { session, local } = storages();
  try {
    for (const storage of [session, local]) {
      if (!storage) continue;
      storage.removeItem(KEY);
      const outboxes: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(OUTBOX_PREFIX)) outboxes.push(key);
      }
      for (const key of outboxes) storage.removeItem(key);
    }
  } catch {
    // Nothing stored.
  }
}

/**
 * The session's outbox (messages typed and not yet acknowledged), kept where the session is
 * (the tab's sessionStorage, or localStorage with "Remember me"): a reload, or reopening the
 * remembered app, still sends them, once.
 */
export function sessionOutbox(value: StoredSession): OutboxStore {
  const { session, local } = storages();
  const key = `${OUTBOX_PREFIX}${value.username}`;
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
