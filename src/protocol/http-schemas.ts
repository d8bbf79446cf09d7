import { z } from 'zod';
import { PublicUser } from './credentials.js';
import { Message } from './message.js';
import { Room, RoomRef } from './room.js';

const Cursor = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Limit = z.coerce.number().int().min(1);

export const OnlineQuery = z.object({ room: RoomRef.optional() });
export const MessagesQuery = z.object({ last_id: Cursor.default(0), limit: Limit.optional() });
export const RoomMessagesQuery = z.object({ before: Cursor.optional(), limit: Limit.optional() });
export const RoomIdParams = z.object({ id: RoomRef });

const ok = <T extends z.ZodRawShape>(shape: T) => z.object({ success: z.literal(true), ...shape });

export const Responses = {
  failure: z.object({ success: z.literal(false), message: z.string() }),
  ok: ok({}),
  registered: ok({ user: PublicUser }),
  loggedIn: ok({ token: z.string(), user: PublicUser }),
  users: ok({ users: z.array(z.string()) }),
  message: ok({ message: Message }),
  messages: ok({ messages: z.array(Message) }),
  room: ok({ room: Room }),
  rooms: ok({ rooms: z.array(Room) }),
  announcement: ok({ announcement: z.string() }),
  health: ok({ status: z.literal('ok') }),
};
