import { Box } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { sortedRooms } from '../client/index.js';
import { errorText } from './chat-login.js';
import type { ChatSession } from './chat-session.js';
import { runInput } from './command-runner.js';
import { InputLine } from './input-line.js';
import type { KeyEvent } from './key-parser.js';
import {
  keepPosition,
  offsetShowingBefore,
  pageDown,
  pageUp,
  rowsAddedBelow,
  scrollWindow,
} from './scrollback.js';
import { roomLabel, statusText, titleText } from './status-bar.js';
import { StyledRow } from './styled-text.js';
import { padTo } from './terminal-text.js';
import { timelineLines } from './timeline-lines.js';

export interface ChatScreenProps {
  session: ChatSession;
  columns: number;
  rows: number;
  onExit: () => void;
}

/** Rows the frame leaves to the message area: title, status and input take one each. */
export function messageAreaHeight(rows: number): number {
  // The frame is one row shorter than the terminal so Ink redraws it in place.
  return Math.max(1, rows - 1 - 3);
}

/**
 * The chat: a title bar, the current room's messages (scrollable), a status bar (server, room,
 * connection, who is typing, activity elsewhere) and the input line.
 */
export function ChatScreen({ session, columns, rows, onExit }: ChatScreenProps) {
  const snapshot = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const { chat } = snapshot;
  const client = session.client;
  const height = messageAreaHeight(rows);
  const view = chat.rooms[chat.current];
  const [, redraw] = useState(0);
  const [now, setNow] = useState(Date.now());

  const lines = useMemo(
    () =>
      timelineLines({
        roomId: chat.current,
        view,
        system: snapshot.system,
        pending: chat.pending,
        me: chat.me,
        width: columns,
      }),
    [chat.current, view, snapshot.system, chat.pending, chat.me, columns],
  );

  // Scroll position, counted in rows from the bottom. Kept steady while new rows arrive below.
  const offset = useRef(0);
  const lastKey = useRef<string | null>(null);
  const lastRoom = useRef(chat.current);
  const showOlderThan = useRef<number | undefined | null>(null);
  if (lastRoom.current !== chat.current) {
    lastRoom.current = chat.current;
    offset.current = 0;
    lastKey.current = null;
  }
  offset.current = keepPosition(offset.current, rowsAddedBelow(lines, lastKey.current));
  lastKey.current = lines[lines.length - 1]?.key ?? null;
  if (showOlderThan.current !== null) {
    const target = showOlderThan.current;
    const index = lines.findIndex((l) => target !== undefined && l.messageId === target);
    offset.current = offsetShowingBefore(Math.max(index, 0), lines.length, height);
    showOlderThan.current = null;
  }
  const linesRef = useRef(lines);
  linesRef.current = lines;
  const shown = scrollWindow(lines, height, offset.current);
  offset.current = shown.offset;

  // Typing indicators lapse on their own: refresh while any are shown.
  const typingShown = Object.values(view?.typing ?? {}).some((until) => until > now);
  useEffect(() => {
    if (!typingShown) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [typingShown]);

  const onSubmit = useCallback(
    (line: string) => {
      offset.current = 0;
      redraw((n) => n + 1);
      runInput(line, {
        session,
        exit: onExit,
        showOlder: (id) => {
          showOlderThan.current = id;
          redraw((n) => n + 1);
        },
        pageUpIfMore: () => {
          if (scrollWindow(linesRef.current, height, offset.current).atTop) return false;
          offset.current = pageUp(offset.current, linesRef.current.length, height);
          redraw((n) => n + 1);
          return true;
        },
      }).catch((error: unknown) => session.say(errorText(error), 'error'));
    },
    [session, onExit, height],
  );

  const onEdit = useCallback(
    (text: string) => {
      if (text.trim() === '' || text.startsWith('/')) client.stopTyping();
      else client.typing();
    },
    [client],
  );

  const switchBy = useCallback(
    (pick: (ids: string[], current: number) => string | undefined) => {
      const state = client.getState();
      const ids = sortedRooms(state).map((v) => v.room.id);
      const target = pick(ids, ids.indexOf(state.current));
      if (target) client.switchTo(target);
    },
    [client],
  );

  const onOtherKey = useCallback(
    (key: KeyEvent) => {
      const total = lines.length;
      if (key.kind === 'ctrl' && key.letter === 'c') onExit();
      else if (key.kind === 'ctrl' && key.letter === 'n') {
        switchBy((ids, i) => ids[(i + 1) % ids.length]);
      } else if (key.kind === 'ctrl' && key.letter === 'p') {
        switchBy((ids, i) => ids[(i - 1 + ids.length) % ids.length]);
      } else if (key.kind === 'meta' && /^[1-9]$/.test(key.char)) {
        switchBy((ids) => ids[Number(key.char) - 1]);
      } else if (key.kind === 'key' && key.name === 'pageup') {
        offset.current = pageUp(offset.current, total, height);
        if (scrollWindow(lines, height, offset.current).atTop && view?.hasOlder) {
          void client.loadOlder();
        }
        redraw((n) => n + 1);
      } else if (key.kind === 'key' && key.name === 'pagedown') {
        offset.current = pageDown(offset.current, total, height);
        redraw((n) => n + 1);
      } else if (key.kind === 'key' && key.name === 'escape') {
        offset.current = 0;
        redraw((n) => n + 1);
      }
    },
    [lines, height, view?.hasOlder, client, onExit, switchBy],
  );

  const completions = useCallback(() => {
    const state = client.getState();
    const current = state.rooms[state.current];
    return [...(current?.users ?? []), ...(current?.room.members ?? []), ...state.online];
  }, [client]);

  const below = offset.current;
  const prompt = `[${roomLabel(chat, chat.current)}] `;
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Box height={1}>
        <StyledRow segments={[{ text: padTo(titleText(chat, columns), columns), tone: 'bar' }]} />
      </Box>
      <Box flexDirection="column" height={height}>
        {shown.rows.map((line, i) => (
          <Box key={line?.key ?? `empty-${i}`} height={1}>
            <StyledRow segments={line?.segments ?? []} />
          </Box>
        ))}
      </Box>
      <Box height={1}>
        <StyledRow
          segments={[
            {
              text: padTo(statusText({ state: chat, now, below, width: columns }), columns),
              tone: 'bar',
            },
          ]}
        />
      </Box>
      <Box height={1}>
        <InputLine
          prompt={prompt}
          width={columns}
          row={rows - 2}
          onSubmit={onSubmit}
          onEdit={onEdit}
          onOtherKey={onOtherKey}
          completions={completions}
        />
      </Box>
    </Box>
  );
}
