import type { RoomView } from '../client/chat-state.js';
import { compareUsernames } from '../protocol/credentials.js';
import { Avatar } from './avatar.js';
import { Icon } from './icons.js';

interface PeoplePanelProps {
  view: RoomView | undefined;
  title: string;
  me: string;
  onMessage: (username: string) => void;
  onNewGroup: () => void;
  onClose: () => void;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Who is here: online in the current room, then (groups and DMs) the other members. */
export function PeoplePanel({ view, title, me, onMessage, onNewGroup, onClose }: PeoplePanelProps) {
  const online = view?.users ?? [];
  const offline =
    view && view.room.kind !== 'public'
      ? view.room.members.filter((m) => !online.some((u) => same(u, m))).sort(compareUsernames)
      : [];
  return (
    <aside id="people" class="people" aria-labelledby="people-title">
      <div class="panel-head">
        <h2 id="people-title">Online in {title}</h2>
        <button
          type="button"
          class="icon-btn only-narrow"
          onClick={onClose}
          aria-label="Close people"
        >
          <Icon name="close" />
        </button>
      </div>
      <p class="panel-sub">{online.length} online · click someone to message them</p>
      <ul class="people-list" aria-label="Online users">
        {online.map((u) => (
          <Person key={u} name={u} me={me} online onMessage={onMessage} />
        ))}
      </ul>
      {offline.length > 0 && (
        <>
          <h3 class="panel-subhead">Members</h3>
          <ul class="people-list" aria-label="Other members">
            {offline.map((u) => (
              <Person key={u} name={u} me={me} online={false} onMessage={onMessage} />
            ))}
          </ul>
        </>
      )}
      <button type="button" class="secondary wide" onClick={onNewGroup}>
        <Icon name="plus" size={16} /> New group
      </button>
    </aside>
  );
}

function Person(props: {
  name: string;
  me: string;
  online: boolean;
  onMessage: (username: string) => void;
}) {
  const { name, me, online, onMessage } = props;
  const content = (
    <>
      <span class="presence">
        <Avatar name={name} size={28} />
        <span class={`presence-dot${online ? ' on' : ''}`} aria-hidden="true" />
      </span>
      <span class="person-name">{name}</span>
    </>
  );
  if (same(name, me)) {
    return (
      <li class="person me-person" data-user={name}>
        {content}
        <span class="you">(you)</span>
      </li>
    );
  }
  return (
    <li data-user={name}>
      <button
        type="button"
        class="person"
        onClick={() => onMessage(name)}
        title={`Send ${name} a direct message`}
      >
        {content}
        <span class="visually-hidden">: send a direct message</span>
      </button>
    </li>
  );
}
