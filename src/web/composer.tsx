import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { codePointLength, LIMITS } from '../protocol/limits.js';
import { Icon } from './icons.js';

interface ComposerProps {
  roomId: string;
  title: string;
  /** Queues the message (sent now, or on reconnect). False when it was refused. */
  onSend: (text: string) => boolean;
  onTyping: () => void;
}

const drafts = new Map<string, string>();
const COUNTER_FROM = LIMITS.contentMax - 500;

/** Enter sends, Shift+Enter starts a new line; blank messages are refused. Drafts per room. */
export function Composer({ roomId, title, onSend, onTyping }: ComposerProps) {
  const [text, setText] = useState(() => drafts.get(roomId) ?? '');
  const [room, setRoom] = useState(roomId);
  const ref = useRef<HTMLTextAreaElement>(null);

  if (room !== roomId) {
    drafts.set(room, text);
    setRoom(roomId);
    setText(drafts.get(roomId) ?? '');
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-measure whenever the text changes
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  const length = codePointLength(text);
  const blank = text.trim().length === 0;
  const tooLong = length > LIMITS.contentMax;

  const send = () => {
    if (blank || tooLong) return;
    if (!onSend(text)) return;
    setText('');
    drafts.delete(roomId);
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label for="composer-input" class="visually-hidden">
        Message {title}
      </label>
      <textarea
        id="composer-input"
        ref={ref}
        rows={1}
        placeholder={`Message ${title}`}
        value={text}
        aria-describedby="composer-help"
        aria-invalid={tooLong}
        onInput={(e) => {
          setText(e.currentTarget.value);
          if (e.currentTarget.value.trim()) onTyping();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <button type="submit" class="send" disabled={blank || tooLong} aria-label="Send" title="Send">
        <Icon name="send" />
      </button>
      <p id="composer-help" class={length >= COUNTER_FROM ? 'counter' : 'visually-hidden'}>
        {length >= COUNTER_FROM
          ? tooLong
            ? `Message is too long (${length}/${LIMITS.contentMax})`
            : `${LIMITS.contentMax - length} characters left`
          : 'Enter to send, Shift+Enter for a new line'}
      </p>
    </form>
  );
}
