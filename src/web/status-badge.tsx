import type { ConnectionStatus } from '../client/chat-state.js';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
  failed: 'Connection failed',
};

/** The connection state, always on screen (room header). */
export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span class="status" data-status={status} role="status">
      <span class="status-dot" aria-hidden="true" />
      <span class="status-text">{STATUS_TEXT[status]}</span>
    </span>
  );
}
