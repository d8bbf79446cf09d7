import { useState } from 'preact/hooks';
import { Icon } from './icons.js';

/** The server's announcement (announcement.txt), live. Dismissed until the text changes. */
export function Announcement({ text }: { text: string }) {
  const [dismissed, setDismissed] = useState('');
  if (!text.trim() || dismissed === text) return null;
  return (
    <div class="announcement" role="status">
      <Icon name="megaphone" size={18} />
      <p class="announcement-text">{text}</p>
      <button
        type="button"
        class="icon-btn small"
        aria-label="Dismiss announcement"
        onClick={() => setDismissed(text)}
      >
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
