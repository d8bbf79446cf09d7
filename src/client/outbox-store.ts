import type { PendingMessage } from './chat-state.js';

/**
 * Where a client keeps its outbox between runs, so a message typed while offline is still sent
 * (once: it keeps its client_id) after the page is reloaded or the app reopened. The web client
 * keeps it beside the session (see src/web/session.ts).
 */
export interface OutboxStore {
  load(): PendingMessage[];
  save(pending: readonly PendingMessage[]): void;
}

function isPending(value: unknown): value is PendingMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.clientId === 'string' &&
    typeof v.room === 'string' &&
    typeof v.content === 'string' &&
    typeof v.createdAt === 'string' &&
    (v.error === undefined || typeof v.error === 'string')
  );
}

/** A stored outbox, read back: its well-formed entries (anything else is dropped). */
export function parseOutbox(raw: string | null | undefined): PendingMessage[] {
  if (!raw) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value
      .filter(isPending)
      .map(({ clientId, room, content, createdAt, error }) =>
        error === undefined
          ? { clientId, room, content, createdAt }
          : { clientId, room, content, createdAt, error },
      );
  } catch {
    return [];
  }
}
