import { once } from 'node:events';
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseHandshakes } from './handshake-release.js';

// V8's own check of an object's property storage (a function compiled after the flag is set).
setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
  o: object,
) => boolean;

describe('releaseHandshakes', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  /** A Socket.IO server with the handshake release, and one websocket client connected to it. */
  async function connected(
    options: {
      middleware?: Parameters<Server['use']>[0];
      extraHeaders?: Record<string, string>;
    } = {},
  ) {
    const http = createServer();
    const io = new Server(http, { serveClient: false });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const address = http.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    if (options.middleware) io.use(options.middleware);
    releaseHandshakes(io);
    const connection = new Promise<import('socket.io').Socket>((resolve) =>
      io.on('connection', (socket) => {
        socket.on('echo', (text: string, ack: (reply: string) => void) => ack(text));
        resolve(socket);
      }),
    );
    const client = connectClient(`http://127.0.0.1:${address.port}`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: options.extraHeaders,
    });
    cleanup.push(() => {
      client.close();
      io.close();
    });
    return { socket: await connection, client };
  }

  it('drops the upgrade request, the handshake copies and the upgrade-error listener once connected; the socket keeps working', async () => {
    const seenInMiddleware: unknown[] = [];
    const { socket, client } = await connected({
      middleware: (socket, next) => {
        // Middleware (the auth) still sees the request and its headers.
        seenInMiddleware.push(socket.request?.headers['x-probe']);
        next();
      },
      extraHeaders: { 'x-probe': 'yes' },
    });
    expect(seenInMiddleware).toEqual(['yes']);
    expect((socket.conn as unknown as { request: unknown }).request).toBeNull();
    expect(socket.handshake.headers['x-probe']).toBeUndefined();
    expect(socket.handshake.auth).toEqual({});
    expect(socket.handshake.address).toMatch(/127\.0\.0\.1/);
    const ws = (socket.conn as unknown as { transport: { socket: NodeJS.EventEmitter } }).transport
      .socket;
    const errorListeners = ws.listeners('error').map((listener) => listener.name);
    expect(errorListeners).not.toContain('onUpgradeError');
    expect(errorListeners.length).toBeGreaterThan(0); // the transport's own stays
    // The one-element arrays are exact copies now, still holding their element.
    const internals = socket as unknown as { fns: unknown[]; conn: { cleanupFn: unknown[] } };
    expect(internals.conn.cleanupFn.length).toBeGreaterThan(0);
    expect(Array.isArray(internals.fns)).toBe(true);
    expect(await client.timeout(2000).emitWithAck('echo', 'still here')).toBe('still here');
  });

  it('rebuilds the listener tables of the connection emitters in fast mode; events still reach their listeners', async () => {
    const { socket, client } = await connected();
    type Emitter = NodeJS.EventEmitter & { _events: object };
    const conn = socket.conn as unknown as Emitter & {
      transport: Emitter & { socket: Emitter & { _receiver: Emitter; _socket: Emitter } };
    };
    const ws = conn.transport.socket;
    const emitters = {
      socket,
      conn,
      transport: conn.transport,
      ws,
      receiver: ws._receiver,
      tcp: ws._socket,
    };
    const before = Object.fromEntries(
      Object.entries(emitters).map(([name, e]) => [name, (e as NodeJS.EventEmitter).eventNames()]),
    );
    // A null-prototype object (EventEmitter's listener table) starts as a dictionary; streams
    // (ws's Receiver, the TCP socket) declare theirs as a plain object, fast already.
    expect(hasFastProperties({ __proto__: null, a: 1 })).toBe(false);
    for (const [name, emitter] of Object.entries(emitters)) {
      const events = (emitter as unknown as Emitter)._events;
      expect([name, hasFastProperties(events)]).toEqual([name, true]);
    }
    for (const emitter of [socket, conn, conn.transport, ws]) {
      expect(Object.getPrototypeOf((emitter as unknown as Emitter)._events)).toBeNull();
    }
    expect(await client.timeout(2000).emitWithAck('echo', 'round trip')).toBe('round trip');
    for (const [name, emitter] of Object.entries(emitters)) {
      expect([name, (emitter as NodeJS.EventEmitter).eventNames()]).toEqual([name, before[name]]);
    }
    // Closing still runs every close listener down the chain to Socket.IO's `disconnect`.
    const disconnected = once(socket, 'disconnect');
    client.io.engine.close();
    expect((await disconnected)[0]).toBe('transport close');
  });
});
