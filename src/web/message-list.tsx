import { useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import type { PendingMessage, RoomView } from '../client/chat-state.js';
import type { Room } from '../protocol/room.js';
import { Avatar } from './avatar.js';
import { buildRows, fullTimeLabel, noticeText, type Row, timeLabel } from './format.js';

interface MessageListProps {
  view: RoomView;
  title: string;
  me: string;
  pending: PendingMessage[];
  online: boolean;
  onLoadOlder: () => void;
  onDiscard: (clientId: string) => void;
}

/** How close to the top (px) scrolling has to get before older history is fetched. */
const LOAD_OLDER_AT = 150;
/** Within this distance (px) of the bottom the list follows new messages. */
const STICK_WITHIN = 48;

/**
 * The conversation: day separators, grouped messages, join/leave notices, then messages still
 * on their way. Follows new messages while scrolled to the bottom; keeps its place when older
 * history is prepended (loaded on scrolling near the top, or with the button).
 */
export function MessageList(props: MessageListProps) {
  const { view, title, me, pending, online, onLoadOlder, onDiscard } = props;
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const fromBottom = useRef(0);
  const roomId = view.room.id;
  const firstItem = view.items[0];
  const firstKey = firstItem?.kind === 'message' ? `m${firstItem.message.id}` : firstItem?.key;
  const last = useRef({ roomId: '', firstKey: firstKey as string | undefined });
  const rows = useMemo(() => buildRows(view.items, new Date()), [view.items]);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (last.current.roomId !== roomId) {
      stick.current = true;
      el.scrollTop = el.scrollHeight;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    } else if (last.current.firstKey !== firstKey) {
      // Older messages were added above: keep what the reader was looking at in place.
      el.scrollTop = el.scrollHeight - el.clientHeight - fromBottom.current;
    }
    last.current = { roomId, firstKey };
  });

  // Keep following the bottom when the list itself resizes (phone keyboard, composer growing).
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (stick.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    fromBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight;
    stick.current = fromBottom.current < STICK_WITHIN;
    if (el.scrollTop < LOAD_OLDER_AT && view.hasOlder && !view.loadingOlder) onLoadOlder();
  };

  return (
    <div
      ref={ref}
      class="log"
      role="log"
      aria-live="polite"
      aria-label={`Messages in ${title}`}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable from the keyboard
      tabIndex={0}
      onScroll={onScroll}
    >
      <div class="log-start">
        {view.hasOlder ? (
          <button type="button" class="link-btn" disabled={view.loadingOlder} onClick={onLoadOlder}>
            {view.loadingOlder ? 'Loading older messages…' : 'Load older messages'}
          </button>
        ) : (
          <p>This is the beginning of {title}.</p>
        )}
      </div>
      <ol class="timeline">
        {rows.map((row) => (
          <RowView key={row.key} row={row} me={me} room={view.room} />
        ))}
        {pending.map((p) => (
          <li key={p.clientId} class={`msg first mine pending${p.error ? ' failed' : ''}`}>
            <Avatar name={me} size={36} />
            <div class="msg-body">
              <div class="msg-head">
                <span class="msg-author">{me}</span>
                <span class="msg-state">
                  {p.error ? 'Not sent' : online ? 'Sending…' : 'Waiting for connection…'}
                </span>
              </div>
              <p class="msg-text">{p.content}</p>
              {p.error && (
                <p class="msg-error">
                  {p.error}{' '}
                  <button type="button" class="link-btn" onClick={() => onDiscard(p.clientId)}>
                    Discard
                  </button>
                </p>
              )}
            </div>
          </li>
        ))}
      </ol>
    </div>
  );
}

function RowView({ row, me, room }: { row: Row; me: string; room: Room }) {
  if (row.kind === 'day') {
    return (
      <li class="day">
        <span>{row.label}</span>
      </li>
    );
  }
  if (row.kind === 'notice') {
    return (
      <li class="notice">
        <span>{noticeText(row.text, room)}</span>{' '}
        <time dateTime={row.timestamp}>{timeLabel(row.timestamp)}</time>
      </li>
    );
  }
  const { message, first } = row;
  const mine = message.username.toLowerCase() === me.toLowerCase();
  const time = (
    <time dateTime={message.timestamp} title={fullTimeLabel(message.timestamp)}>
      {timeLabel(message.timestamp)}
    </time>
  );
  return (
    <li class={`msg${first ? ' first' : ''}${mine ? ' mine' : ''}`} data-id={message.id}>
      {first ? (
        <Avatar name={message.username} size={36} />
      ) : (
        <span class="msg-gutter">{time}</span>
      )}
      <div class="msg-body">
        {first && (
          <div class="msg-head">
            <span class="msg-author">{message.username}</span>
            {time}
          </div>
        )}
        <p class="msg-text">{message.content}</p>
      </div>
    </li>
  );
}
