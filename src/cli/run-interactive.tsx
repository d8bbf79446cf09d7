import { render } from 'ink';
import type { ChatClient } from '../client/index.js';
import { App } from './app.js';
import {
  checkServer,
  errorText,
  isUnreachable,
  leaveChat,
  unreachableLines,
} from './chat-login.js';
import { ColorsContext } from './styled-text.js';
import { safeLine } from './terminal-text.js';

export interface InteractiveOptions {
  serverUrl: string;
  version: string;
  colors: boolean;
}

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[2J\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';

/**
 * The interactive client on a terminal: checks the server, then runs the Ink app on the
 * alternate screen (the shell's screen comes back untouched on exit). Resolves with the exit
 * status once the user quit and the chat was left cleanly.
 */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const { serverUrl } = options;
  try {
    await checkServer(serverUrl);
  } catch (error) {
    const lines = isUnreachable(error) ? unreachableLines(serverUrl) : [errorText(error)];
    process.stderr.write(`${lines.join('\n')}\n`);
    return 1;
  }

  const stdout = process.stdout;
  const fullScreen = stdout.isTTY === true;
  const restoreScreen = () => {
    if (fullScreen) stdout.write(LEAVE_ALT_SCREEN);
  };
  if (fullScreen) stdout.write(ENTER_ALT_SCREEN);
  process.once('exit', restoreScreen);

  let quit: (client: ChatClient | null) => void = () => undefined;
  const quitting = new Promise<ChatClient | null>((resolve) => {
    quit = resolve;
  });
  let chat: ChatClient | null = null;
  const onQuit = (client: ChatClient | null) => quit(client ?? chat);
  const onSignal = () => quit(chat);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

  const instance = render(
    <ColorsContext.Provider value={options.colors}>
      <App
        serverUrl={serverUrl}
        version={options.version}
        onQuit={onQuit}
        onChat={(client) => {
          chat = client;
        }}
      />
    </ColorsContext.Provider>,
    // Ctrl+C is ours (leave cleanly first). Ink's incremental mode misplaces rows once the
    // real cursor is moved to the input line, so each frame is redrawn whole.
    { exitOnCtrlC: false, patchConsole: true },
  );

  // Should the app itself fail, still leave the chat and the alternate screen.
  let crash: unknown = null;
  instance.waitUntilExit().then(
    () => quit(chat),
    (error: unknown) => {
      crash = error;
      quit(chat);
    },
  );

  const client = await quitting;
  if (client) await leaveChat(client);
  instance.unmount();
  restoreScreen();
  process.off('exit', restoreScreen);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
  if (client) {
    const unsent = client.getState().pending;
    if (unsent.length > 0) {
      const lines = unsent.map(
        (p) => `  ${safeLine(p.content).slice(0, 70)}${p.error ? ` (${p.error})` : ''}`,
      );
      process.stderr.write(`${unsent.length} message(s) were not sent:\n${lines.join('\n')}\n`);
    }
    process.stdout.write('You left the chat. Bye.\n');
  }
  if (crash) {
    process.stderr.write(`chatroom: unexpected error: ${errorText(crash)}\n`);
    return 1;
  }
  return 0;
}
