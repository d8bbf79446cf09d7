import type { Socket } from 'socket.io';
import type { z } from 'zod';
import {
  type ClientEventName,
  type ClientToServerEvents,
  parsePayload,
  type ServerToClientEvents,
  unknownEventMessage,
} from '../../protocol/index.js';
import { fail } from '../shared/app-error.js';
import { describeError } from '../shared/describe-error.js';
import type { SocketData } from './notifier.js';
import { expediteWrites } from './write-coalescing.js';

export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

type AckPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[1] extends
  | ((response: infer R) => void)
  | undefined
  ? Extract<R, { success: true }> extends infer S
    ? Omit<S, 'success'>
    : never
  : never;

export interface HandlerLog {
  error(obj: object, msg: string): void;
}

type Ack = (response: unknown) => void;

interface Route {
  schema: z.ZodType;
  handler: (socket: ChatSocket, payload: unknown) => Promise<object>;
}

/**
 * Every client event, registered once per server rather than once per socket: a handler is
 * `(socket, payload) => result`, so a connection costs no closures of its own (at 10,000 idle
 * sockets, ~25 listener closures each were a quarter of the server's memory).
 *
 * `dispatch` takes one incoming packet (`[event, ...args, ack?]`), validates the payload with
 * the event's protocol schema, runs the handler and answers in the ack (or, without one,
 * failures as an `error` event). Unknown events get the same envelope. It never throws, and a
 * handler's failure never disconnects the socket.
 */
export class EventRouter {
  private readonly routes = new Map<string, Route>();

  constructor(private readonly log: HandlerLog) {}

  on<E extends ClientEventName, S extends z.ZodType>(
    event: E,
    schema: S,
    handler: (socket: ChatSocket, payload: z.output<S>) => Promise<AckPayload<E>>,
  ): this {
    this.routes.set(event, { schema, handler: handler as Route['handler'] });
    return this;
  }

  async dispatch(socket: ChatSocket, packet: readonly unknown[]): Promise<void> {
    const event = packet[0];
    const last = packet.length > 1 ? packet[packet.length - 1] : undefined;
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    const payload = ack && packet.length === 2 ? undefined : packet[1];
    try {
      const route = typeof event === 'string' ? this.routes.get(event) : undefined;
      if (!route) throw fail.badRequest(unknownEventMessage(event));
      const parsed = parsePayload(route.schema, payload);
      if (!parsed.ok) throw fail.badRequest(parsed.message);
      const result = await route.handler(socket, parsed.data);
      ack?.({ success: true, ...result });
    } catch (error) {
      const described = describeError(error);
      if (described.internal) this.log.error({ err: error, event }, 'socket event failed');
      if (ack) ack({ success: false, message: described.message });
      else socket.emit('error', { message: described.message });
    }
    // The reply leaves at the end of this turn, ahead of any fanout still being flushed.
    expediteWrites(socket.conn);
  }
}
