import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Pane, shellQuote, type Tmux } from '../helpers/tmux.js';

/** The repository root (the client runs from there, like `npm run client`). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSX = `${REPO}node_modules/.bin/tsx`;

/**
 * The shell command that starts the terminal client. CI variables are dropped (Ink would
 * otherwise only draw its last frame), and nothing else of the test's environment matters.
 */
export function clientCommand(args: string[], env: Record<string, string> = {}): string {
  const vars = Object.entries(env).map(([k, v]) => shellQuote(`${k}=${v}`));
  return [
    'env -u CI -u CONTINUOUS_INTEGRATION -u NO_COLOR TERM=xterm-256color',
    ...vars,
    shellQuote(TSX),
    'src/cli/main.tsx',
    ...args.map(shellQuote),
  ].join(' ');
}

/** Starts the interactive client in a new 80x24 tmux pane and waits for the start menu. */
export async function openClient(tmux: Tmux, serverUrl: string): Promise<Pane> {
  const pane = await tmux.open(clientCommand(['--server', serverUrl]), { cwd: REPO });
  await pane.waitForScreen('Choose 1, 2 or 3');
  return pane;
}

/** Logs in through the start menu (2, username, password) and waits for the chat screen. */
export async function loginViaMenu(pane: Pane, username: string, password: string) {
  await pane.waitForScreen('Choose 1, 2 or 3');
  await pane.sendText('2');
  await pane.waitForScreen('Log in to');
  await pane.typeLine(username);
  await pane.waitForScreen('Password:');
  await pane.typeLine(password);
  return pane.waitForScreen(
    (s) => s.includes(`[${username}] [#general] [connected]`) && s.includes('[#general] '),
  );
}

/** The row the input line is on: the last non-empty row of an 80x24 chat screen. */
export function inputRow(screen: string): string {
  return screen.split('\n')[22] ?? '';
}

/** How many times `text` appears on the screen. */
export function occurrences(screen: string, text: string): number {
  return screen.split(text).length - 1;
}

/** A TCP port nothing listens on (taken from the OS, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the client as a pipeline stage (stdin and stdout are pipes). `input` is written to its
 * stdin; `keepOpen` leaves stdin open until the returned `end()` is called.
 */
export function spawnClient(
  args: string[],
  options: { input?: string; env?: Record<string, string>; keepOpen?: boolean } = {},
) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.SERVER_URL;
  const child = spawn(TSX, ['src/cli/main.tsx', ...args], { cwd: REPO, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  if (options.input !== undefined) child.stdin.write(options.input);
  if (!options.keepOpen) child.stdin.end();
  const done = new Promise<ProcessResult>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    done,
    output: () => stdout,
    write: (text: string) => child.stdin.write(text),
    end: () => child.stdin.end(),
  };
}
