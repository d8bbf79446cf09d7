import { useState } from 'preact/hooks';
import { ChatScreen } from './chat-screen.js';
import { clearSession, loadSession, type StoredSession, saveSession } from './session.js';
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
      onSignedOut={(why) => {
        clearSession();
        setNotice(why ?? '');
        setSession(null);
      }}
    />
  );
}
