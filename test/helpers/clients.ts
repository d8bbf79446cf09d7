import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type {
  ClientToServerEvents,
  Message,
  ServerToClientEvents,
} from '../../src/protocol/index.js';
import type { TestServer } from './server.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let counter = 0;
/** A fresh valid username for each call. */
export function uniqueName(prefix = 'user'): string {
  counter++;
  return `${prefix}${counter}_${Math.random().toString(36).slice(2, 6)}`.slice(0, 20);
}

export const PASSWORD = 'correct-horse-1';

/** JSON over real HTTP (fetch). */
export async function api(
  server: Pick<TestServer, 'url'>,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> & { success: boolean } }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as never };
}

/** Registers and logs in a new user; returns its name and token. */
export async function newUser(
  server: Pick<TestServer, 'url'>,
  name = uniqueName(),
): Promise<{ username: string; token: string }> {
  const reg = await api(server, 'POST', '/register', { username: name, password: PASSWORD });
  if (reg.status !== 201) throw new Error(`register failed: ${JSON.stringify(reg.body)}`);
  const login = await api(server, 'POST', '/login', { username: name, password: PASSWORD });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  return { username: name, token: login.body.token as string };
}

/** A connected socket.io-client (websocket only), or the connect_error message. */
export function connectSocket(
  server: Pick<TestServer, 'url'>,
  token: string | undefined,
  extra: Parameters<typeof io>[1] = {},
): Promise<TestSocket> {
  const socket: TestSocket = io(server.url, {
    transports: ['websocket'],
    auth: token === undefined ? {} : { token },
    reconnection: false,
    forceNew: true,
    ...extra,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits with an ack and resolves with the ack payload. */
export function request<E extends keyof ClientToServerEvents>(
  socket: TestSocket,
  event: E,
  ...payload: unknown[]
): Promise<Record<string, unknown> & { success: boolean }> {
  return new Promise((resolve) => {
    (socket.emit as (...args: unknown[]) => void)(event, ...payload, resolve);
  });
}

/** Resolves with the next `event` payload matching `filter`, or rejects after `ms`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: TestSocket,
  event: E,
  filter: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  ms = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler as never);
      reject(new Error(`timed out waiting for ${String(event)}`));
    }, ms);
    const handler = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!filter(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler as never);
      resolve(payload);
    };
    socket.on(event, handler as never);
  });
}

/** Collects every `event` payload from now on. */
export function collect<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E) {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<ServerToClientEvents[E]>[0]) =>
    seen.push(payload)) as never);
  return seen;
}

type TestUser = { username: string; token: string };
type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N
  ? R
  : Tuple<T, N, [...R, T]>;

/** `count` new users, registered and logged in one after another. */
export async function newUsers<N extends number>(
  server: Pick<TestServer, 'url'>,
  count: N,
): Promise<Tuple<TestUser, N>> {
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) users.push(await newUser(server));
  return users as Tuple<TestUser, N>;
}

/** A public room of its own for each test, so tests do not hear each other. */
export function freshRoom(prefix = 'room'): string {
  return uniqueName(prefix).toLowerCase();
}

/** `send_message`, asserting that the ack succeeded; resolves with the stored message. */
export async function sendMessage(
  socket: TestSocket,
  payload: Record<string, unknown>,
): Promise<Message> {
  const ack = await request(socket, 'send_message', payload);
  expect(ack.success, JSON.stringify(ack)).toBe(true);
  return ack.message as Message;
}

/**
 * Sends a message and waits until `watcher` got it: everything sent to `watcher` before it has
 * arrived by then (events on one socket keep their order).
 */
export async function sentinel(from: TestSocket, watcher: TestSocket, room: string) {
  const content = `sentinel ${Math.random()}`;
  const seen = nextEvent(watcher, 'new_message', (m) => m.content === content);
  await sendMessage(from, { room, content });
  await seen;
}
