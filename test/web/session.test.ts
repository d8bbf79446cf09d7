import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PendingMessage } from '../../src/client/chat-state.js';
import {
  clearSession,
  endSession,
  loadSession,
  saveSession,
  sessionOutbox,
} from '../../src/web/session.js';

/** The Web Storage API over a Map, as the browser's sessionStorage and localStorage. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}

const unsent = (clientId: string, content = clientId): PendingMessage => ({
  clientId,
  room: 'general',
  content,
  createdAt: '2026-12-04T18:00:00.000Z',
});

let session: MemoryStorage;
let local: MemoryStorage;

beforeEach(() => {
  session = new MemoryStorage();
  local = new MemoryStorage();
  vi.stubGlobal('sessionStorage', session);
  vi.stubGlobal('localStorage', local);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the web session and its outbox', () => {
  it('keeps what a refused session left unsent, and sends it with the same person’s next sign-in', () => {
    const alice = { token: 't1', username: 'alice' };
    saveSession(alice, false);
    sessionOutbox(alice).save([unsent('c1'), unsent('c2')]);

    expect(endSession(alice)).toBe(2);
    expect(loadSession()).toBeNull();

    // Signing in again (this time remembered, and typed in another case): the outbox follows.
    const again = { token: 't2', username: 'Alice' };
    saveSession(again, true);
    expect(
      sessionOutbox(again)
        .load()
        .map((m) => m.clientId),
    ).toEqual(['c1', 'c2']);
    expect(session.length).toBe(0);
  });

  it('forgets a refused session’s unsent messages when someone else signs in', () => {
    const alice = { token: 't1', username: 'alice' };
    saveSession(alice, true);
    sessionOutbox(alice).save([unsent('c1')]);
    expect(endSession(alice)).toBe(1);

    const bob = { token: 't3', username: 'bob' };
    saveSession(bob, true);
    expect(sessionOutbox(bob).load()).toEqual([]);
    expect(local.getItem('chatroom.outbox.alice')).toBeNull();
  });

  it('forgets the outbox on logout', () => {
    const alice = { token: 't1', username: 'alice' };
    saveSession(alice, false);
    sessionOutbox(alice).save([unsent('c1')]);
    clearSession();
    saveSession({ token: 't2', username: 'alice' }, false);
    expect(sessionOutbox({ token: 't2', username: 'alice' }).load()).toEqual([]);
  });

  it('keeps only the ended session’s own outbox, each message once', () => {
    const alice = { token: 't1', username: 'alice' };
    local.setItem('chatroom.outbox.carol', JSON.stringify([unsent('x')]));
    saveSession(alice, false);
    sessionOutbox(alice).save([unsent('c1')]);
    local.setItem('chatroom.outbox.alice', JSON.stringify([unsent('c1'), unsent('c2')]));

    expect(endSession(alice)).toBe(2);
    expect(local.getItem('chatroom.outbox.carol')).toBeNull();
    saveSession({ token: 't2', username: 'alice' }, false);
    expect(
      sessionOutbox({ token: 't2', username: 'alice' })
        .load()
        .map((m) => m.clientId),
    ).toEqual(['c1', 'c2']);
  });
});
