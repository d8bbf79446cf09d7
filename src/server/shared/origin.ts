/**
 * The cookie Origin rule (PROTOCOL.md): a cookie-authenticated state change is accepted only
 * from the server's own origin or one listed in `ALLOWED_ORIGINS`. Own origin means the same
 * host and port as the request's `Host` (scheme may differ behind a TLS-terminating proxy).
 */
export function isAllowedOrigin(
  origin: string | undefined,
  host: string | undefined,
  allowed: readonly string[],
): boolean {
  if (!origin || origin === 'null') return false;
  if (allowed.includes(origin)) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

export const SESSION_COOKIE = 'chatroom_session';

/** Reads one cookie from a raw `Cookie` header (for the Socket.IO handshake). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
