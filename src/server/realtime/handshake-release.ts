import type { EngineTransport } from './engine-internals.js';

/**
 * Memory per idle connection: what the handshake leaves behind once a socket is connected.
 * The auth middleware is the only reader of the upgrade request and of the handshake's
 * headers, query and auth; after it, they are dead weight kept for the socket's whole life.
 *
 * - engine.io keeps the HTTP upgrade request (IncomingMessage, raw headers, parsed query):
 *   ~0.7 KB (the Socket.IO documentation's "memory usage" advice).
 * - Socket.IO's `socket.handshake` holds its own copy of the headers, the query, the auth
 *   (the session token), the URL and a date string: ~0.6 KB. It keeps its shape, with shared
 *   empty objects, and the client's address.
 * - engine.io leaves its upgrade-error listener on a direct websocket connection's `ws` for
 *   life (it removes it only on the polling → websocket upgrade path): ~0.17 KB.
 *
 * - Three one-element arrays that connecting grows with `push` (Socket.IO's middleware list,
 *   engine.io's transport cleanup list, the packet decoder's listener list) keep a 17-slot
 *   backing store each; an exact copy of the same one element saves ~0.4 KB. All three are
 *   only ever read through their owner's field, so swapping in the copy changes nothing else.
 *
 * - Four event emitters per connection (Socket.IO's socket, engine.io's socket and transport,
 *   ws's WebSocket) keep their listeners in `_events`, an object without a prototype, which V8
 *   keeps in dictionary mode: a hash table sized for growth (~300 B) whatever it holds. Once
 *   the connection is set up, each is swapped for a copy built as a fast-mode object (same
 *   keys, same listeners, still no prototype): ~0.85 KB per connection less V8 heap after a
 *   full GC (3,000 idle sockets). A later `removeListener` turns it back into a dictionary,
 *   which is all the original was. (Streams, ws's Receiver and the TCP socket, declare theirs
 *   as a plain object: fast already, and left alone.)
 *
 * Only the default namespace exists, so no later namespace handshake needs any of it.
 */

interface ReleasableSocket {
  conn: { request: unknown };
  handshake: object;
}

/** Private fields of Socket.IO's socket and client and of engine.io's socket. */
interface Internals {
  conn: { cleanupFn?: unknown; transport: EngineTransport };
  fns?: unknown;
  client?: { decoder?: { _callbacks?: Record<string, unknown> } };
}

interface EngineConnection {
  transport: EngineTransport;
}

interface ListenerSource {
  listeners(event: string): ((...args: unknown[]) => unknown)[];
  removeListener(event: string, listener: (...args: unknown[]) => unknown): unknown;
}

export interface ConnectionSource {
  on(event: 'connection', listener: (socket: ReleasableSocket) => void): unknown;
  engine: { on(event: 'connection', listener: (connection: EngineConnection) => void): unknown };
}

const EMPTY = Object.freeze({});

function compact<T>(list: T): T {
  return Array.isArray(list) ? (list.slice() as T) : list;
}

/** An emitter's listener table rebuilt as a fast-mode object without a prototype. */
function compactListeners(emitter: unknown): void {
  const holder = emitter as { _events?: Record<PropertyKey, unknown> | null } | undefined;
  const events = holder?._events;
  if (!holder || !events || Object.getPrototypeOf(events) !== null) return;
  // Properties added to `{}` keep it in fast mode, and so does dropping its prototype after.
  const copy: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(events)) copy[key] = events[key];
  holder._events = Object.setPrototypeOf(copy, null);
}

function release(socket: ReleasableSocket): void {
  socket.conn.request = null;
  const internals = socket as unknown as Internals;
  const { transport } = internals.conn;
  const ws = transport.socket;
  for (const emitter of [socket, internals.conn, transport, ws, ws?._receiver, ws?._socket]) {
    compactListeners(emitter);
  }
  internals.conn.cleanupFn = compact(internals.conn.cleanupFn);
  internals.fns = compact(internals.fns);
  const callbacks = internals.client?.decoder?._callbacks;
  if (callbacks) callbacks.$decoded = compact(callbacks.$decoded);
  const { address, xdomain, secure, issued } = socket.handshake as Record<string, unknown>;
  socket.handshake = {
    headers: EMPTY,
    time: '',
    address,
    xdomain,
    secure,
    issued,
    url: '',
    query: EMPTY,
    auth: EMPTY,
  };
}

function dropUpgradeErrorListener(connection: EngineConnection): void {
  const ws = connection.transport.socket as Partial<ListenerSource> | undefined;
  if (connection.transport.name !== 'websocket' || typeof ws?.listeners !== 'function') return;
  for (const listener of ws.listeners('error')) {
    if (listener.name === 'onUpgradeError') ws.removeListener?.('error', listener);
  }
}

export function releaseHandshakes(io: ConnectionSource): void {
  io.on('connection', release);
  io.engine.on('connection', dropUpgradeErrorListener);
}
