import type { ChatClient, ChatState } from '../client/index.js';
import { addSystemLines, anchorOf, type SystemLine } from './system-lines.js';

export interface SessionSnapshot {
  chat: ChatState;
  system: SystemLine[];
}

const INFO_NOTICES = new Set(['Reconnected']);

/**
 * The terminal client's view of a chat: the shared client's state plus the client's own system
 * lines, as one store React reads with `useSyncExternalStore`. The client's notices
 * ("Disconnected from server", "Reconnected", refused sends) become system lines in the room
 * on screen at the moment they happen.
 */
export class ChatSession {
  private snapshot: SessionSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly seenNotices = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(
    readonly client: ChatClient,
    private readonly now: () => number = Date.now,
  ) {
    const chat = client.getState();
    for (const notice of chat.notices) this.seenNotices.add(notice.key);
    this.snapshot = { chat, system: [] };
    this.unsubscribe = client.subscribe((next) => this.onState(next));
  }

  getSnapshot = (): SessionSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private publish(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    for (const listener of this.listeners) listener();
  }

  private onState(chat: ChatState): void {
    let system = this.snapshot.system;
    for (const notice of chat.notices) {
      if (this.seenNotices.has(notice.key)) continue;
      this.seenNotices.add(notice.key);
      const tone = INFO_NOTICES.has(notice.text) ? 'info' : 'error';
      system = addSystemLines(system, this.entry(chat, chat.current, tone), [notice.text]);
    }
    this.publish({ chat, system });
  }

  private entry(chat: ChatState, room: string, tone: SystemLine['tone']) {
    return { room, anchor: anchorOf(chat.rooms[room]?.items), time: this.now(), tone };
  }

  /** Writes lines into a room's buffer (the current room by default). */
  say(texts: string | readonly string[], tone: SystemLine['tone'] = 'info', room?: string): void {
    const chat = this.snapshot.chat;
    const lines = typeof texts === 'string' ? [texts] : texts;
    const entry = this.entry(chat, room ?? chat.current, tone);
    this.publish({ chat, system: addSystemLines(this.snapshot.system, entry, lines) });
  }

  dispose(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}
