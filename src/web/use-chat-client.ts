import { useEffect, useState } from 'preact/hooks';
import { ChatClient } from '../client/chat-client.js';
import type { ChatState } from '../client/chat-state.js';
import { ERRORS } from '../protocol/errors.js';
import { type StoredSession, sessionOutbox } from './session.js';

const SESSION_REFUSED = new Set<string>([ERRORS.authRequired, ERRORS.sessionInvalid]);

/**
 * One ChatClient for the signed-in session: connects on mount, renders on every state change,
 * disconnects on unmount. A refused session (expired, logged out elsewhere) signs out.
 */
export function useChatClient(
  session: StoredSession,
  onSessionRefused: (why: string) => void,
): { client: ChatClient; state: ChatState } {
  const [client] = useState(
    () =>
      new ChatClient({
        serverUrl: location.origin,
        token: session.token,
        username: session.username,
        outbox: sessionOutbox(session),
      }),
  );
  const [state, setState] = useState(() => client.getState());

  useEffect(() => {
    const off = client.subscribe(setState);
    client.start().then(
      () => {
        // Presence for the room on screen (the server also pushes update_users as people come).
        client.switchTo(client.getState().current);
        performance.mark('chatroom:ready');
      },
      () => undefined, // shown through state.status / statusText
    );
    return () => {
      off();
      client.stop();
    };
  }, [client]);

  // The server refused the token (expired, or logged out elsewhere): back to the sign-in page.
  const refused = state.status === 'failed' && SESSION_REFUSED.has(state.statusText);
  useEffect(() => {
    if (refused) onSessionRefused('Your session has ended. Please log in again.');
  }, [refused, onSessionRefused]);

  return { client, state };
}

/** Re-renders when the earliest of `deadlines` (ms since epoch) passes. */
export function useRerenderAt(deadlines: readonly number[]): number {
  const [now, setNow] = useState(() => Date.now());
  const next = deadlines.filter((d) => d > now).reduce((min, d) => Math.min(min, d), Infinity);
  useEffect(() => {
    if (next === Infinity) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, next - Date.now()) + 20);
    return () => clearTimeout(timer);
  }, [next]);
  return Math.max(now, Date.now());
}
