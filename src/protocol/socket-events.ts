import type { Message } from './message.js';
import type { Room } from './room.js';

/** The envelope every acknowledgement and HTTP answer uses. */
export type Success<T extends object> = { success: true } & T;
export type Failure = { success: false; message: string };
export type Envelope<T extends object> = Success<T> | Failure;
export type Ack<T extends object> = (response: Envelope<T>) => void;

export interface JoinRequest {
  room?: string;
}
export interface SendMessageRequest {
  content: string;
  room?: string;
  client_id?: string;
}
export interface HistoryRequest {
  room: string;
  before?: number;
  limit?: number;
}

/** Client to server. Payload types are what a well-behaved client sends; the server validates. */
export interface ClientToServerEvents {
  join: (payload: JoinRequest, ack?: Ack<{ room: Room }>) => void;
  leave: (payload: { room: string }, ack?: Ack<object>) => void;
  send_message: (payload: SendMessageRequest, ack?: Ack<{ message: Message }>) => void;
  typing: (payload: { room: string; typing: boolean }, ack?: Ack<object>) => void;
  get_online_users: (payload: { room?: string }, ack?: Ack<{ users: string[] }>) => void;
  history: (payload: HistoryRequest, ack?: Ack<{ messages: Message[] }>) => void;
  create_room: (
    payload: { participants: string[]; name?: string },
    ack?: Ack<{ room: Room }>,
  ) => void;
  open_direct: (payload: { username: string }, ack?: Ack<{ room: Room }>) => void;
  sync: (
    payload: { last_id: number },
    ack?: Ack<{ messages: Message[]; has_more: boolean }>,
  ) => void;
}

export interface PresenceNotice {
  room: string;
  username: string;
  message: string;
  timestamp: string;
}

/** Server to client. */
export interface ServerToClientEvents {
  message_history: (payload: { room: string; messages: Message[] }) => void;
  new_message: (message: Message) => void;
  user_joined: (payload: PresenceNotice) => void;
  user_left: (payload: PresenceNotice) => void;
  update_users: (payload: { room: string; users: string[] }) => void;
  online_users: (payload: { users: string[] }) => void;
  user_typing: (payload: { room: string; username: string; typing: boolean }) => void;
  room_created: (payload: { room: Room }) => void;
  announcement: (payload: { announcement: string }) => void;
  error: (payload: { message: string }) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

export const CLIENT_EVENTS = [
  'join',
  'leave',
  'send_message',
  'typing',
  'get_online_users',
  'history',
  'create_room',
  'open_direct',
  'sync',
] as const satisfies readonly ClientEventName[];

export function joinedText(username: string, room: string): string {
  return `${username} joined ${room}`;
}

export function leftText(username: string, room: string): string {
  return `${username} left ${room}`;
}
