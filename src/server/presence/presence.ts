/**
 * Who is online and who is present in which room: the single source for `/online`,
 * `online_users` and `update_users`. A user is online while they hold a socket or polled
 * recently; they are present in a room while one of their sockets has joined it (or they
 * polled recently and are a member). Lists come back sorted case-insensitively.
 */
export interface Presence {
  addSocket(username: string, socketId: string): Promise<void>;
  /** Forgets the socket; returns the rooms where this was the user's last present socket. */
  removeSocket(username: string, socketId: string): Promise<string[]>;
  /** True when this is the user's first socket present in the room. */
  enterRoom(username: string, socketId: string, roomId: string): Promise<boolean>;
  /** True when the user was present in the room through any socket (all are removed). */
  leaveRoom(username: string, roomId: string): Promise<boolean>;
  /** A REST poll: online for the poller window, present in the given rooms. True if new. */
  touchPoller(username: string, roomIds: readonly string[]): Promise<boolean>;
  /**
   * Pollers whose window has ended and who did not poll again: each once (on one node, with
   * several), with the rooms whose lists they are no longer in (a room where one of their
   * sockets is present keeps them).
   */
  expirePollers(): Promise<PollerExpiry[]>;
  onlineUsers(): Promise<string[]>;
  roomUsers(roomId: string): Promise<string[]>;
  /**
   * Several nodes: sockets can vanish without a disconnect of their own (their node died).
   * The store reports, per user, the rooms where they are no longer present.
   */
  onDeparture?(listener: DepartureListener): void;
  close(): Promise<void>;
}

export interface PollerExpiry {
  username: string;
  roomIds: string[];
}

export type DepartureListener = (username: string, roomIds: string[]) => Promise<void>;
