import { LIMITS, type Message } from '../../protocol/index.js';
import type { AuthUser } from '../accounts/account-service.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { RoomService } from '../rooms/room-service.js';
import { fail } from '../shared/app-error.js';
import { type Clock, isoAt } from '../shared/clock.js';
import type { RateLimiter } from '../shared/rate-limiter.js';
import type { MessageStore } from './message-store.js';
import type { MessageWriter } from './message-writer.js';

export interface SendInput {
  roomId: string;
  content: string;
  clientId?: string | undefined;
}

export class MessageService {
  constructor(
    private readonly store: MessageStore,
    private readonly writer: MessageWriter,
    private readonly rooms: RoomService,
    private readonly roomIdsOf: (userId: number) => Promise<string[]>,
    private readonly presence: PresenceService,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    /** True while the server cannot deliver what it already accepted (load shedding). */
    private readonly overloaded: () => boolean = () => false,
  ) {}

  /**
   * Stores the message and resolves with it once committed; the writer has broadcast it to
   * the room by then, with the rest of its batch (`Notifier.newMessages`).
   */
  async send(user: AuthUser, input: SendInput): Promise<{ message: Message; duplicate: boolean }> {
    // Refused before any work: what is accepted past the server's capacity only waits longer
    // (and holds memory) until every delivery slows down. The client keeps the message and
    // may send it again: with its client_id, it is stored once.
    if (this.overloaded()) throw fail.rateLimited();
    await this.rooms.requireMember(user, input.roomId);
    if (!this.limiter.hit(user.username.toLowerCase())) throw fail.rateLimited();
    const result = await this.writer.append({
      roomId: input.roomId,
      userId: user.id,
      username: user.username,
      content: input.content,
      clientId: input.clientId,
      createdAt: isoAt(this.clock.now()),
    });
    return result;
  }

  /** POST /send: to a room id or a username (direct room created on first use). */
  async sendTo(user: AuthUser, recipient: string, content: string, clientId?: string) {
    const roomId = await this.rooms.resolveRecipient(user, recipient);
    return this.send(user, { roomId, content, clientId });
  }

  async history(user: AuthUser, roomId: string, before: number | undefined, limit: number) {
    await this.rooms.requireMember(user, roomId);
    return this.store.roomHistory(roomId, before, limit);
  }

  /** GET /messages: counts as a poll for presence. */
  async poll(user: AuthUser, lastId: number, limit: number): Promise<Message[]> {
    const [messages, roomIds] = await Promise.all([
      this.store.visibleSince(user.id, lastId, limit),
      this.roomIdsOf(user.id),
    ]);
    await this.presence.polled(user.username, roomIds);
    return messages;
  }

  /** Socket `sync`: a page of what the user missed, and whether more is waiting. */
  async sync(user: AuthUser, lastId: number) {
    const page = await this.store.visibleSince(user.id, lastId, LIMITS.syncPage + 1);
    return { messages: page.slice(0, LIMITS.syncPage), has_more: page.length > LIMITS.syncPage };
  }
}
