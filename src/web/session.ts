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

export function clearSession(): void {
  const { session, local } = storages();
  try {
    session?.removeItem(KEY);
    local?.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}
