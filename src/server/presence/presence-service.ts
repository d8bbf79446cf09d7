import type { Notifier } from '../realtime/notifier.js';
import type { Presence } from './presence.js';

/** Presence changes and the notices they cause (`user_joined`, `user_left`, `update_users`). */
export class PresenceService {
  constructor(
    private readonly presence: Presence,
    private readonly notifier: Notifier,
  ) {
    presence.onDeparture?.((username, roomIds) => this.departed(username, roomIds));
  }

  online(roomId?: string): Promise<string[]> {
    return roomId === undefined ? this.presence.onlineUsers() : this.presence.roomUsers(roomId);
  }

  async announceRoom(roomId: string): Promise<void> {
    this.notifier.updateUsers(roomId, await this.presence.roomUsers(roomId));
  }

  socketConnected(username: string, socketId: string): Promise<void> {
    return this.presence.addSocket(username, socketId);
  }

  /** A socket joined a room: the user's first socket there announces the join. */
  async socketEntered(username: string, socketId: string, roomId: string): Promise<void> {
    if (await this.presence.enterRoom(username, socketId, roomId)) {
      this.notifier.userJoined(roomId, username);
      await this.announceRoom(roomId);
    }
  }

  /** A socket went away: rooms where it was the user's last one see the user leave. */
  async socketDisconnected(username: string, socketId: string): Promise<void> {
    await this.departed(username, await this.presence.removeSocket(username, socketId));
  }

  /** The user is no longer present in these rooms (a disconnect, or a dead node's sweep). */
  async departed(username: string, roomIds: readonly string[]): Promise<void> {
    for (const roomId of roomIds) {
      this.notifier.userLeft(roomId, username);
      await this.announceRoom(roomId);
    }
  }

  leaveRoom(username: string, roomId: string): Promise<boolean> {
    return this.presence.leaveRoom(username, roomId);
  }

  /**
   * Pollers whose window ended leave their rooms' lists: each such room gets `update_users`
   * (once per sweep, however many pollers left it).
   */
  async sweepPollers(): Promise<void> {
    const rooms = new Set<string>();
    for (const { roomIds } of await this.presence.expirePollers()) {
      for (const roomId of roomIds) rooms.add(roomId);
    }
    for (const roomId of rooms) await this.announceRoom(roomId);
  }

  /** Runs `sweepPollers` every `ms` (one at a time; the timer does not hold the process). */
  sweepPollersEvery(ms: number, onError: (error: unknown) => void): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.sweepPollers()
        .catch(onError)
        .finally(() => {
          running = false;
        });
    }, ms);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** A REST poll keeps the user online; a poller who was offline updates their rooms' lists. */
  async polled(username: string, roomIds: readonly string[]): Promise<void> {
    if (await this.presence.touchPoller(username, roomIds)) {
      for (const roomId of roomIds) await this.announceRoom(roomId);
    }
  }
}
