import { io } from 'socket.io-client';
import { afterAll, beforeAll } from 'vitest';
import { connectSocket, type TestSocket } from './clients.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

/**
 * A socket whose listeners can be attached before it connects (for events the server sends
 * right on connect). `connected` resolves on connect, rejects with the connect_error.
 */
export function openSocket(
  server: Pick<TestServer, 'url'>,
  token: string | undefined,
  extra: Parameters<typeof io>[1] = {},
): { socket: TestSocket; connected: Promise<TestSocket> } {
  const socket: TestSocket = io(server.url, {
    transports: ['websocket'],
    auth: token === undefined ? {} : { token },
    reconnection: false,
    forceNew: true,
    ...extra,
  });
  const connected = new Promise<TestSocket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
  return { socket, connected };
}

/** Resolves when the socket is disconnected, with the reason. */
export function disconnected(socket: TestSocket): Promise<string> {
  if (socket.disconnected) return Promise.resolve('already disconnected');
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/** Waits until the server no longer holds a socket with this id (its disconnect was handled). */
export async function serverForgot(server: Pick<TestServer, 'app'>, socketId: string) {
  const sockets = server.app.io.of('/').sockets;
  for (let i = 0; i < 500 && sockets.has(socketId); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (sockets.has(socketId)) throw new Error(`server still holds socket ${socketId}`);
}

/** Closes a socket and waits until the server has handled its disconnect. */
export async function closeAndForget(server: Pick<TestServer, 'app'>, socket: TestSocket) {
  const id = socket.id;
  socket.close();
  if (id !== undefined) await serverForgot(server, id);
}

/**
 * One server for a whole test file: started before the first test, closed (with every socket
 * `online()` opened) after the last. `suite.server` is set once the file's tests run.
 */
export function sharedServer(options: TestServerOptions = {}) {
  const open: TestSocket[] = [];
  const suite = {
    server: undefined as unknown as TestServer,
    /** A connected socket for `token`, closed with the suite. */
    async online(token: string): Promise<TestSocket> {
      const socket = await connectSocket(suite.server, token);
      open.push(socket);
      return socket;
    },
  };
  beforeAll(async () => {
    suite.server = await startTestServer(options);
  });
  afterAll(async () => {
    for (const socket of open) socket.close();
    await suite.server.close();
  });
  return suite;
}
