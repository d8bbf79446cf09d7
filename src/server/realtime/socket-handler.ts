import type { Socket } from 'socket.io';
import type { z } from 'zod';
import {
  type ClientEventName,
  type ClientToServerEvents,
  parsePayload,
  type ServerToClientEvents,
} from '../../protocol/index.js';
import { AppError } from '../shared/app-error.js';
import { describeError } from '../shared/describe-error.js';
import type { SocketData } from './notifier.js';

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

/**
 * Registers a client event: validates the payload with its protocol schema, runs the handler,
 * and answers in the ack (or, without one, failures as an `error` event). A handler's failure
 * never disconnects the socket.
 */
export function onEvent<E extends ClientEventName, S extends z.ZodType>(
  socket: ChatSocket,
  event: E,
  schema: S,
  handler: (payload: z.output<S>) => Promise<AckPayload<E>>,
  log: HandlerLog,
): void {
  const listener = async (...args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (response: unknown) => void) : undefined;
    const payload = ack && args.length === 1 ? undefined : args[0];
    try {
      const parsed = parsePayload(schema, payload);
      if (!parsed.ok) throw new AppError(400, parsed.message);
      const result = await handler(parsed.data);
      ack?.({ success: true, ...result });
    } catch (error) {
      const described = describeError(error);
      if (described.internal) log.error({ err: error, event }, 'socket event failed');
      if (ack) ack({ success: false, message: described.message });
      else socket.emit('error', { message: described.message });
    }
  };
  // Payloads are untrusted: the typed signature is what clients send, the schema checks it.
  socket.on(event, listener as unknown as ClientToServerEvents[E] as never);
}
