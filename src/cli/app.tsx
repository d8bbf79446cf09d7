import { useCallback, useEffect, useState } from 'react';
import type { ChatClient } from '../client/index.js';
import { AuthForm, type AuthMode } from './auth-form.js';
import { ChatScreen } from './chat-screen.js';
import { ChatSession } from './chat-session.js';
import { type MenuChoice, StartMenu } from './start-menu.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  serverUrl: string;
  version: string;
  /** The user asked to quit; `client` is set when a chat was open (leave it cleanly). */
  onQuit: (client: ChatClient | null) => void;
  /** A chat was opened (so a signal can still leave it cleanly). */
  onChat?: (client: ChatClient) => void;
}

type Phase =
  | { name: 'menu'; notice?: { text: string; tone: 'info' | 'error' } }
  | { name: AuthMode }
  | { name: 'chat'; session: ChatSession };

/** The interactive client: start menu → register / login → chat. */
export function App({ serverUrl, version, onQuit, onChat }: AppProps) {
  const { columns, rows } = useTerminalSize();
  const [phase, setPhase] = useState<Phase>({ name: 'menu' });
  const session = phase.name === 'chat' ? phase.session : null;

  useEffect(() => () => session?.dispose(), [session]);

  const quitChat = useCallback(() => onQuit(session?.client ?? null), [onQuit, session]);

  const choose = (choice: MenuChoice) => {
    if (choice === 'exit') onQuit(null);
    else setPhase({ name: choice });
  };

  switch (phase.name) {
    case 'menu':
      return (
        <StartMenu
          serverUrl={serverUrl}
          version={version}
          onChoose={choose}
          {...(phase.notice ? { notice: phase.notice } : {})}
        />
      );
    case 'register':
    case 'login':
      return (
        <AuthForm
          key={phase.name}
          mode={phase.name}
          serverUrl={serverUrl}
          columns={columns}
          onRegistered={(username) =>
            setPhase({
              name: 'menu',
              notice: { text: `Account ${username} created. Press 2 to log in.`, tone: 'info' },
            })
          }
          onLoggedIn={(client) => {
            onChat?.(client);
            setPhase({ name: 'chat', session: new ChatSession(client) });
          }}
          onBack={() => setPhase({ name: 'menu' })}
          onQuit={() => onQuit(null)}
        />
      );
    case 'chat':
      return <ChatScreen session={phase.session} columns={columns} rows={rows} onExit={quitChat} />;
  }
}
