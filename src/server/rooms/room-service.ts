import {
  ERRORS,
  isPublicRoomId,
  type Room,
  type RoomKind,
  unknownUserMessage,
} from '../../protocol/index.js';
import type { AuthUser } from '../accounts/account-service.js';
import type { AccountStore } from '../accounts/account-store.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { Notifier } from '../realtime/notifier.js';
import { fail } from '../shared/app-error.js';
import { type Clock, isoAt } from '../shared/clock.js';
import type { RoomStore } from './room-store.js';

/** Name of a group created without one: its members, cut to 30 code points. */
export function defaultGroupName(usernames: readonly string[]): string {
  const full = usernames.join(', ');
  const points = [...full];
  return points.length <= 30 ? full : `${points.slice(0, 29).join('')}…`;
}

export class RoomService {
  constructor(
    private readonly rooms: RoomStore,
    private readonly accounts: AccountStore,
    private readonly presence: PresenceService,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
  ) {}

  private now(): string {
    return isoAt(this.clock.now());
  }

  /** The kind of a room the user may read and post to; 404 unknown, 403 not a member. */
  async requireMember(user: AuthUser, roomId: string): Promise<RoomKind> {
    const found = await this.rooms.membership(roomId, user.id);
    if (!found) throw fail.notFound(ERRORS.roomNotFound);
    if (!found.member) throw fail.forbidden();
    return found.kind;
  }

  /** Joins a public room by name (created on first use). Group and direct rooms need membership. */
  async join(user: AuthUser, roomId: string): Promise<{ room: Room; added: boolean }> {
    let added = false;
    if (isPublicRoomId(roomId)) {
      await this.rooms.ensurePublicRoom(roomId, this.now());
      added = await this.rooms.addMember(roomId, user.id, this.now());
      if (added) this.notifier.subscribe(user.username, roomId);
    } else {
      await this.requireMember(user, roomId);
    }
    const room = await this.rooms.getRoom(roomId);
    if (!room) throw fail.notFound(ERRORS.roomNotFound);
    return { room, added };
  }

  /** REST join: a new member is announced to the room. */
  async joinByRequest(user: AuthUser, roomId: string): Promise<Room> {
    const { room, added } = await this.join(user, roomId);
    if (added) {
      this.notifier.userJoined(roomId, user.username);
      await this.presence.announceRoom(roomId);
    }
    return room;
  }

  async leave(user: AuthUser, roomId: string): Promise<void> {
    const kind = await this.rooms.roomKind(roomId);
    if (!kind) throw fail.notFound(ERRORS.roomNotFound);
    const wasMember = await this.rooms.removeMember(roomId, user.id);
    if (!wasMember) throw fail.forbidden();
    this.notifier.unsubscribe(user.username, roomId);
    await this.presence.leaveRoom(user.username, roomId);
    this.notifier.userLeft(roomId, user.username);
    await this.presence.announceRoom(roomId);
  }

  async list(user: AuthUser): Promise<Room[]> {
    return this.rooms.roomsOf(user.id);
  }

  async createGroup(user: AuthUser, participants: readonly string[], name?: string) {
    const wanted = [...new Set(participants.map((p) => p.trim()).filter(Boolean))];
    const found = await this.accounts.findUsersByNames(wanted);
    const byKey = new Map(found.map((u) => [u.username.toLowerCase(), u]));
    const missing = wanted.find((p) => !byKey.has(p.toLowerCase()));
    if (missing !== undefined) throw fail.notFound(unknownUserMessage(missing));
    const others = found.filter((u) => u.id !== user.id);
    if (others.length === 0) throw fail.badRequest(ERRORS.participantsRequired);
    const title = name ?? defaultGroupName([user.username, ...others.map((u) => u.username)]);
    const room = await this.rooms.createGroup(
      title,
      user.id,
      others.map((u) => u.id),
      this.now(),
    );
    this.notifier.roomCreated(room, room.members);
    return room;
  }

  async openDirect(user: AuthUser, username: string): Promise<Room> {
    const other = await this.accounts.findUserByName(username);
    if (!other) throw fail.notFound(unknownUserMessage(username));
    if (other.id === user.id) throw fail.badRequest(ERRORS.cannotMessageSelf);
    const { room, created, added } = await this.rooms.openDirect(
      { id: user.id, username: user.username },
      { id: other.id, username: other.username },
      this.now(),
    );
    if (created || added) this.notifier.roomCreated(room, room.members);
    return room;
  }

  /**
   * Where a `/send` recipient points: a room the caller is in, else a user (direct room),
   * else a room they are not in (403), else 404.
   */
  async resolveRecipient(user: AuthUser, recipient: string): Promise<string> {
    const asRoom = recipient.trim().toLowerCase();
    const found = await this.rooms.membership(asRoom, user.id);
    if (found?.member) return asRoom;
    const other = await this.accounts.findUserByName(recipient.trim());
    if (other) return (await this.openDirect(user, other.username)).id;
    if (found) throw fail.forbidden();
    throw fail.notFound(ERRORS.unknownRecipient);
  }
}
