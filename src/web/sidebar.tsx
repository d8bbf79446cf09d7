import { useState } from 'preact/hooks';
import { type ChatState, type RoomView, roomTitle, sortedRooms } from '../client/chat-state.js';
import { LIMITS } from '../protocol/limits.js';
import { Avatar } from './avatar.js';
import { Icon } from './icons.js';

interface SidebarProps {
  state: ChatState;
  onSelect: (roomId: string) => void;
  onJoin: (name: string) => Promise<string | null>;
  onNewGroup: () => void;
  onLogout: () => void;
}

/** Rooms, groups and direct messages with unread counts; join a room; who I am; log out. */
export function Sidebar({ state, onSelect, onJoin, onNewGroup, onLogout }: SidebarProps) {
  const rooms = sortedRooms(state);
  const sections: { title: string; kind: RoomView['room']['kind']; empty: string }[] = [
    { title: 'Rooms', kind: 'public', empty: 'No rooms yet.' },
    { title: 'Groups', kind: 'group', empty: 'No groups yet.' },
    { title: 'Direct messages', kind: 'direct', empty: 'Pick someone under People to talk.' },
  ];
  return (
    <nav id="sidebar" class="sidebar" aria-label="Rooms and conversations">
      <div class="brand">
        <img src="/icon.svg" alt="" width={28} height={28} />
        <span>Chatroom</span>
      </div>
      <JoinForm onJoin={onJoin} />
      <div class="room-sections">
        {sections.map((section) => {
          const list = rooms.filter((v) => v.room.kind === section.kind);
          return (
            <section key={section.kind} class="room-section" aria-labelledby={`h-${section.kind}`}>
              <div class="section-head">
                <h2 id={`h-${section.kind}`}>{section.title}</h2>
                {section.kind === 'group' && (
                  <button
                    type="button"
                    class="icon-btn small"
                    onClick={onNewGroup}
                    aria-label="New group"
                    title="New group"
                  >
                    <Icon name="plus" size={16} />
                  </button>
                )}
              </div>
              {list.length === 0 ? (
                <p class="section-empty">{section.empty}</p>
              ) : (
                <ul class="room-list">
                  {list.map((view) => (
                    <RoomItem
                      key={view.room.id}
                      view={view}
                      me={state.me}
                      current={view.room.id === state.current}
                      onSelect={onSelect}
                    />
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
      <div class="me">
        <Avatar name={state.me} />
        <div class="me-text">
          <span class="me-name">{state.me}</span>
          <span class="me-sub">Signed in</span>
        </div>
        <button
          type="button"
          class="icon-btn"
          onClick={onLogout}
          aria-label="Log out"
          title="Log out"
        >
          <Icon name="logout" />
        </button>
      </div>
    </nav>
  );
}

function RoomItem(props: {
  view: RoomView;
  me: string;
  current: boolean;
  onSelect: (roomId: string) => void;
}) {
  const { view, me, current, onSelect } = props;
  const title = roomTitle(view.room, me);
  return (
    <li>
      <button
        type="button"
        class="room-item"
        data-room={view.room.id}
        aria-current={current ? 'page' : undefined}
        onClick={() => onSelect(view.room.id)}
      >
        <span class="room-name">{title}</span>
        {view.unread > 0 && (
          <span class="badge">
            {view.unread}
            <span class="visually-hidden"> unread</span>
          </span>
        )}
      </button>
    </li>
  );
}

function JoinForm({ onJoin }: { onJoin: (name: string) => Promise<string | null> }) {
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="join-form"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!name.trim() || busy) return;
        setBusy(true);
        const failure = await onJoin(name.trim());
        setBusy(false);
        setError(failure ?? '');
        if (!failure) setName('');
      }}
    >
      <label for="join-room" class="visually-hidden">
        Join or create a public room
      </label>
      <input
        id="join-room"
        placeholder="Join or create a room"
        maxLength={LIMITS.roomNameMax}
        autoCapitalize="none"
        spellcheck={false}
        value={name}
        aria-describedby="join-error"
        onInput={(e) => {
          setName(e.currentTarget.value);
          setError('');
        }}
      />
      <button type="submit" class="secondary" disabled={busy || !name.trim()}>
        Join
      </button>
      <p id="join-error" class="form-error" role="alert">
        {error}
      </p>
    </form>
  );
}
