import { readFileSync } from 'node:fs';
import { Command } from 'commander';

export const DEFAULT_SERVER_URL = 'http://localhost:5050';

/** The package version (`chatroom --version`). */
export function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * A server URL as typed (`localhost:5050`, `https://chat.example.org/`) → its canonical form
 * (`http://localhost:5050`), or null if it is not an http(s) URL.
 */
export function normalizeServerUrl(raw: string): string | null {
  const text = raw.trim();
  if (text === '') return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.search || url.hash || url.username) return null;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorsEnabled(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): boolean {
  if (!stdoutIsTty) return false;
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

export interface CliOptions {
  serverUrl: string;
}

const HELP_AFTER = `
Environment:
  SERVER_URL           server to connect to when --server is not given
  CHATROOM_USERNAME    account for non-interactive use (stdin not a terminal)
  CHATROOM_PASSWORD    its password
  NO_COLOR             set to turn colours off

Interactive use: a menu to register or log in, then the chat (type /help there).
Piped use: when stdin is not a terminal, logs in from CHATROOM_USERNAME and
CHATROOM_PASSWORD, joins general, sends each input line as a message and prints
incoming messages as "[HH:MM] user: text". Exits once every line is delivered.

  echo "build finished" | CHATROOM_USERNAME=bot CHATROOM_PASSWORD=... chatroom

Exit status: 0 ok, 1 cannot connect / log in / deliver, 2 bad usage.`;

/** The command line: `--server`, `--help`, `--version`. Exits for help, version and errors. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const program = new Command()
    .name('chatroom')
    .description('Terminal client for Chatroom, the self-hosted real-time chat.')
    .version(packageVersion(), '-v, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show this help and exit')
    .option('-s, --server <url>', `server URL (default: $SERVER_URL or ${DEFAULT_SERVER_URL})`)
    .addHelpText('after', HELP_AFTER)
    .showHelpAfterError('(run chatroom --help for usage)')
    .allowExcessArguments(false)
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : 2);
    });
  program.parse([...argv]);
  const raw = program.opts<{ server?: string }>().server ?? (env.SERVER_URL || DEFAULT_SERVER_URL);
  const serverUrl = normalizeServerUrl(raw);
  if (!serverUrl) {
    process.stderr.write(
      `chatroom: invalid server URL "${raw}" (expected something like ${DEFAULT_SERVER_URL})\n`,
    );
    process.exit(2);
  }
  return { serverUrl };
}
