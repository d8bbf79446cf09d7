import { useEffect, useRef, useState } from 'preact/hooks';
import { roomTitle, typingUsers } from '../client/chat-state.js';
import { compareUsernames } from '../protocol/credentials.js';
import { GENERAL_ROOM } from '../protocol/room.js';
import { Announcement } from './announcement.js';
import { Composer } from './composer.js';
import { pendingFor, typingText } from './format.js';
import { Icon } from './icons.js';
import { MessageList } from './message-list.js';
import { NewGroupDialog } from './new-group-dialog.js';
import { PeoplePanel } from './people-panel.js';
import type { StoredSession } from './session.js';
import { Sidebar } from './sidebar.js';
import { StatusBadge } from './status-badge.js';
import { useChatClient, useRerenderAt } from './use-chat-client.js';

interface ChatScreenProps {
  session: StoredSession;
  /** Logged out: the session and its outbox are forgotten. */
  onSignedOut: () => void;
  /** The session ended otherwise (refused by the server, or left to log in again). */
  onSessionEnded: (why?: string) => void;
}

/** Connection notices the header and banner already show; not repeated as toasts. */
const CONNECTION_NOTICES = new Set(['Reconnected', 'Disconnected from server']);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The signed-in app: sidebar, the room (header, announcement, messages, composer), people. */
export function ChatScreen({ session, onSignedOut, onSessionEnded }: ChatScreenProps) {
  const { client, state } = useChatClient(session, onSessionEnded);
  const [menuOpen, setMenuOpen] = useState(false);
  const [peopleOpen, setPeopleOpen] = useState(false);
  const [groupOpen, setGroupOpen] = useState(false);
  const [toast, setToast] = useState<{ key: string; text: string } | null>(null);
  const menuButton = useRef<HTMLButtonElement>(null);
  const peopleButton = useRef<HTMLButtonElement>(null);

  const view = state.rooms[state.current];
  const title = view ? roomTitle(view.room, state.me) : `#${GENERAL_ROOM}`;
  const now = useRerenderAt(view ? Object.values(view.typing) : []);
  const typing = typingUsers(view, now).filter((u) => !same(u, state.me));
  const unreadElsewhere = Object.values(state.rooms).reduce((sum, v) => sum + v.unread, 0);

  const flash = (text: string) => setToast({ key: `${Date.now()}`, text });

  // Errors and notices from the client (a refused message, a failed join...) as a toast.
  const lastNotice = state.notices[state.notices.length - 1];
  useEffect(() => {
    if (lastNotice && !CONNECTION_NOTICES.has(lastNotice.text)) setToast(lastNotice);
  }, [lastNotice]);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 5000);
    return () => clearTimeout(timer);
  }, [toast]);

  useEffect(() => {
    document.title =
      unreadElsewhere > 0 ? `(${unreadElsewhere}) ${title} · Chatroom` : `${title} · Chatroom`;
  }, [unreadElsewhere, title]);

  // Escape closes an open drawer and gives focus back to the button that opened it. Listening
  // all the time (reading the latest state through a ref) so no keypress falls in a gap.
  const drawers = useRef({ menuOpen, peopleOpen });
  drawers.current = { menuOpen, peopleOpen };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      const open = drawers.current;
      if (!open.menuOpen && !open.peopleOpen) return;
      if (open.menuOpen) menuButton.current?.focus();
      else peopleButton.current?.focus();
      setMenuOpen(false);
      setPeopleOpen(false);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  // An opened drawer takes the focus (on a desktop the panels are always there: no-op).
  useEffect(() => {
    if (menuOpen) document.querySelector<HTMLElement>('.sidebar [aria-current="page"]')?.focus();
  }, [menuOpen]);
  useEffect(() => {
    if (peopleOpen) document.querySelector<HTMLElement>('#people button')?.focus();
  }, [peopleOpen]);

  const closeDrawers = () => {
    setMenuOpen(false);
    setPeopleOpen(false);
  };

  const select = (roomId: string) => {
    client.switchTo(roomId);
    closeDrawers();
  };

  const run = async (action: Promise<string | null>) => {
    const failure = await action;
    if (failure) flash(failure);
    return failure;
  };

  const logout = async () => {
    try {
      await client.logout();
    } catch {
      // Offline or already revoked: the local session goes anyway.
    }
    onSignedOut();
  };

  const candidates = new Map<string, string>();
  for (const v of Object.values(state.rooms)) {
    for (const m of [...v.room.members, ...v.users]) candidates.set(m.toLowerCase(), m);
  }
  for (const u of state.online) candidates.set(u.toLowerCase(), u);
  candidates.delete(state.me.toLowerCase());

  const subtitle = !view
    ? ''
    : view.room.kind === 'public'
      ? `Public room · ${view.users.length} online`
      : view.room.kind === 'group'
        ? `Group · ${view.room.members.length} members`
        : 'Direct message';

  return (
    <div class={`chat${menuOpen ? ' menu-open' : ''}${peopleOpen ? ' people-open' : ''}`}>
      <Sidebar
        state={state}
        onSelect={select}
        onJoin={async (name) => {
          const failure = await client.join(name);
          if (!failure) closeDrawers();
          return failure;
        }}
        onNewGroup={() => {
          void client.refreshOnline();
          setGroupOpen(true);
        }}
        onLogout={logout}
      />
      <div class="backdrop" aria-hidden="true" onClick={closeDrawers} />
      <main class="room" aria-labelledby="room-title">
        <header class="room-header">
          <button
            ref={menuButton}
            type="button"
            class="icon-btn menu-btn"
            aria-label={unreadElsewhere > 0 ? `Rooms (${unreadElsewhere} unread)` : 'Rooms'}
            aria-expanded={menuOpen}
            aria-controls="sidebar"
            onClick={() => {
              setPeopleOpen(false);
              setMenuOpen(!menuOpen);
            }}
          >
            <Icon name="menu" />
            {unreadElsewhere > 0 && <span class="dot" aria-hidden="true" />}
          </button>
          <div class="room-heading">
            <h1 id="room-title">{title}</h1>
            <p class="room-sub">{subtitle}</p>
          </div>
          <StatusBadge status={state.status} />
          <button
            ref={peopleButton}
            type="button"
            class="icon-btn people-btn"
            aria-label={`People (${view?.users.length ?? 0} online)`}
            title="People"
            aria-expanded={peopleOpen}
            aria-controls="people"
            onClick={() => {
              setMenuOpen(false);
              setPeopleOpen(!peopleOpen);
            }}
          >
            <Icon name="people" />
            <span class="count">{view?.users.length ?? 0}</span>
          </button>
          {view && view.room.id !== GENERAL_ROOM && (
            <button
              type="button"
              class="icon-btn"
              aria-label={`Leave ${title}`}
              title="Leave"
              onClick={() => void run(client.leave(view.room.id))}
            >
              <Icon name="leave" />
            </button>
          )}
        </header>
        <Announcement text={state.announcement} />
        {state.status === 'reconnecting' && (
          <p class="banner warn">
            Connection lost, reconnecting… Messages you send now go out when it is back.
          </p>
        )}
        {state.status === 'failed' && (
          <div class="banner error" role="alert">
            <span>{state.statusText || 'Cannot reach the server.'}</span>
            <button type="button" class="secondary" onClick={() => client.socket.connect()}>
              Try again
            </button>
            <button type="button" class="secondary" onClick={() => onSessionEnded()}>
              Log in again
            </button>
          </div>
        )}
        {view ? (
          <MessageList
            view={view}
            title={title}
            me={state.me}
            pending={pendingFor(state.pending, view.room.id)}
            online={state.status === 'connected'}
            onLoadOlder={() => void client.loadOlder(view.room.id)}
            onDiscard={(id) => client.discardPending(id)}
          />
        ) : (
          <div class="log loading" aria-busy="true">
            <p>Loading your rooms…</p>
            {state.pending.length > 0 && (
              <p class="outbox-note">
                {state.pending.length === 1
                  ? '1 message waiting to be sent'
                  : `${state.pending.length} messages waiting to be sent`}
              </p>
            )}
          </div>
        )}
        <p class="typing" aria-live="polite">
          {typingText(typing)}
        </p>
        <Composer
          roomId={state.current}
          title={title}
          onSend={(text) => client.send(text) !== null}
          onTyping={() => client.typing()}
        />
      </main>
      <PeoplePanel
        view={view}
        title={title}
        me={state.me}
        onMessage={(username) => {
          closeDrawers();
          void run(client.openDirect(username));
        }}
        onNewGroup={() => {
          void client.refreshOnline();
          closeDrawers();
          setGroupOpen(true);
        }}
        onClose={() => {
          setPeopleOpen(false);
          peopleButton.current?.focus();
        }}
      />
      <NewGroupDialog
        open={groupOpen}
        candidates={[...candidates.values()].sort(compareUsernames)}
        online={state.online}
        onCreate={(participants, name) => run(client.createGroup(participants, name))}
        onClose={() => setGroupOpen(false)}
      />
      <div class="toast-region" aria-live="polite">
        {toast && (
          <p class="toast" key={toast.key}>
            {toast.text}
          </p>
        )}
      </div>
    </div>
  );
}
