import { useState } from 'preact/hooks';
import { ChatScreen } from './chat-screen.js';
import {
  clearSession,
  endSession,
  loadSession,
  type StoredSession,
  saveSession,
} from './session.js';
import { SignIn } from './sign-in.js';

/** Signed out: the sign-in page. Signed in: the chat, keyed by session so a new one starts fresh. */
export function App() {
  const [session, setSession] = useState<StoredSession | null>(loadSession);
  const [notice, setNotice] = useState('');

  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(value, remember) => {
          saveSession(value, remember);
          setNotice('');
          setSession(value);
        }}
      />
    );
  }
  return (
    <ChatScreen
      key={session.token}
      session={session}
      onSignedOut={() => {
        clearSession();
        setNotice('');
        setSession(null);
      }}
      onSessionEnded={(why) => {
        // Not a logout: what this person typed and the server never got waits for their next
        // sign-in.
        const waiting = endSession(session);
        setNotice([why, waitingNotice(session, waiting)].filter(Boolean).join(' '));
        setSession(null);
      }}
    />
  );
}

function waitingNotice(session: StoredSession, waiting: number): string {
  if (waiting === 0) return '';
  const messages = waiting === 1 ? '1 message' : `${waiting} messages`;
  return `Log in as ${session.username} to send the ${messages} still waiting.`;
}
