import { z } from 'zod';
import { LIMITS } from './limits.js';
import { GroupName, JoinRoomRef, Participants, RoomRef, UsernameRef } from './room.js';

/** Payloads a client may omit entirely (`emit('join')`) are read as `{}`. */
const optionalPayload = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === undefined || value === null ? {} : value), schema);

const MessageIdCursor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const JoinPayload = optionalPayload(
  z.strictObject({ room: JoinRoomRef.optional(), username: z.unknown().optional() }),
);
export const LeavePayload = z.strictObject({ room: RoomRef });
export const TypingPayload = z.strictObject({ room: RoomRef, typing: z.boolean() });
export const OnlineUsersPayload = optionalPayload(z.strictObject({ room: RoomRef.optional() }));
export const HistoryPayload = z.strictObject({
  room: RoomRef,
  before: MessageIdCursor.optional(),
  limit: z.number().int().min(1).optional(),
});
export const CreateRoomPayload = z.strictObject({
  participants: Participants,
  name: GroupName.optional(),
});
export const OpenDirectPayload = z.strictObject({ username: UsernameRef });
export const SyncPayload = z.strictObject({ last_id: MessageIdCursor });

/** Clamps a requested page size into [1, max], with a default when absent. */
export function pageSize(requested: number | undefined, fallback: number, max: number): number {
  if (requested === undefined) return fallback;
  return Math.max(1, Math.min(max, requested));
}

export const HISTORY_PAGE = { fallback: LIMITS.historyDefault, max: LIMITS.historyMax };
