import { z } from 'zod';
import { ERRORS } from './errors.js';
import { LIMITS } from './limits.js';

export const ROOM_KINDS = ['public', 'group', 'direct'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];

export const GENERAL_ROOM = 'general';
export const PUBLIC_ROOM_PATTERN = /^(?!room_|dm_)[a-z0-9_-]{1,30}$/;
export const GROUP_ROOM_PATTERN = /^room_[1-9][0-9]{0,15}$/;
export const DIRECT_ROOM_PATTERN = /^dm_[1-9][0-9]{0,15}$/;

export const Room = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ROOM_KINDS),
  admin: z.string().nullable(),
  members: z.array(z.string()),
});
export type Room = z.infer<typeof Room>;

/** Normalizes a public room name to its id (lowercase). */
export function publicRoomId(name: string): string {
  return name.trim().toLowerCase();
}

export function isPublicRoomId(id: string): boolean {
  return PUBLIC_ROOM_PATTERN.test(id);
}

/** A public room name, as typed by a person: normalized to its lowercase id. */
export const PublicRoomName = z
  .string()
  .max(200, { error: ERRORS.roomNameShape })
  .transform(publicRoomId)
  .refine(isPublicRoomId, { error: ERRORS.roomNameShape });

/**
 * Any room reference: a public room name, `room_<n>` or `dm_<n>`, normalized to an id. It is
 * not checked against the id patterns: a reference to no room is answered 404 `Room not found`
 * by the server, whatever its shape (an unknown room is an unknown room).
 */
export const RoomRef = z.string().max(200).transform(publicRoomId);

export function isRoomId(id: string): boolean {
  return isPublicRoomId(id) || GROUP_ROOM_PATTERN.test(id) || DIRECT_ROOM_PATTERN.test(id);
}

/** What the socket `join` takes: a public room name (created on first use) or a room id. */
export const JoinRoomRef = z
  .string()
  .max(200, { error: ERRORS.roomNameShape })
  .transform(publicRoomId)
  .refine(isRoomId, { error: ERRORS.roomNameShape });

export const UsernameRef = z.string().min(1, { error: ERRORS.credentialsRequired }).max(200);

export const GroupName = z
  .string()
  .transform((s) => s.trim())
  .refine((s) => s.length >= 1 && [...s].length <= LIMITS.roomNameMax, {
    error: ERRORS.groupNameShape,
  });

export const Participants = z
  .array(z.string().max(200), { error: ERRORS.participantsRequired })
  .max(LIMITS.participantsMax, { error: ERRORS.tooManyParticipants });

export const JoinRoomBody = z.strictObject({ room: PublicRoomName });
export const LeaveRoomBody = z.strictObject({ room_id: RoomRef });
export const CreateRoomBody = z.strictObject({
  participants: Participants,
  name: GroupName.optional(),
});
export type CreateRoomBody = z.infer<typeof CreateRoomBody>;
