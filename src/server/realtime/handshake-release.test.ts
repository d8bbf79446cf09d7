import { once } from 'node:events';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { releaseHandshakes } from './handshake-release.js';

describe('releaseHandshakes', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  it('drops the upgrade request, the handshake copies and the upgrade-error listener once connected; the socket keeps working', async () => {
    const http = createServer();
    const io = new Server(http, { serveClient: false });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const address = http.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    const seenInMiddleware: unknown[] = [];
    io.use((socket, next) => {
      // Middleware (the auth) still sees the request and its headers.
      seenInMiddleware.push(socket.request?.headers['x-probe']);
      next();
    });
    releaseHandshakes(io);
    const connected = new Promise<import('socket.io').Socket>((resolve) =>
      io.on('connection', (socket) => {
        socket.on('echo', (text: string, ack: (reply: string) => void) => ack(text));
        resolve(socket);
      }),
    );
    const client = connectClient(`http://127.0.0.1:${address.port}`, {
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { 'x-probe': 'yes' },
    });
    cleanup.push(() => {
      client.close();
      io.close();
    });
    const socket = await connected;
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
});
