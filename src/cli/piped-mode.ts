import { createInterface } from 'node:readline';
import type { ChatClient, ChatState } from '../client/index.js';
import { GENERAL_ROOM } from '../protocol/index.js';
import {
  checkServer,
  errorText,
  isUnreachable,
  leaveChat,
  loginAndConnect,
  unreachableLines,
} from './chat-login.js';
import { plainMessageLine, plainNoticeLine } from './plain-output.js';

export interface PipedOptions {
  serverUrl: string;
  env: NodeJS.ProcessEnv;
  input: NodeJS.ReadableStream;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** How long to wait, after the input ended, for every message to be acknowledged. */
  deliveryTimeoutMs?: number;
}

export const MISSING_CREDENTIALS =
  'chatroom: stdin is not a terminal, so the client runs non-interactively and logs in from ' +
  'the environment: set CHATROOM_USERNAME and CHATROOM_PASSWORD';

function undelivered(state: ChatState) {
  return state.pending.filter((p) => !p.error);
}

/**
 * Prints each message of `general` that arrives from now on, once, in id order: live ones, and
 * after a reconnect the ones caught up on. History (what was said before) is not printed.
 */
export function printMessages(client: ChatClient, out: NodeJS.WritableStream): () => void {
  const printed = new Set<number>();
  let historyTop = 0;
  return client.onMessages((messages, origin) => {
    const mine = messages.filter((m) => m.room === GENERAL_ROOM);
    if (origin === 'history') {
      for (const m of mine) historyTop = Math.max(historyTop, m.id);
      return;
    }
    const fresh = mine
      .filter((m) => !printed.has(m.id) && (origin === 'live' || m.id > historyTop))
      .sort((a, b) => a.id - b.id);
    for (const message of fresh) {
      printed.add(message.id);
      out.write(`${plainMessageLine(message)}\n`);
    }
  });
}

/** Prints the client's notices (disconnects, refused messages) on stderr. */
function printNotices(client: ChatClient, err: NodeJS.WritableStream): () => void {
  const seen = new Set(client.getState().notices.map((n) => n.key));
  return client.subscribe((state) => {
    for (const notice of state.notices) {
      if (seen.has(notice.key)) continue;
      seen.add(notice.key);
      err.write(`${plainNoticeLine(notice.text)}\n`);
    }
  });
}

function waitFor(client: ChatClient, test: (s: ChatState) => boolean, ms: number) {
  return new Promise<boolean>((resolve) => {
    if (test(client.getState())) return resolve(true);
    const timer = setTimeout(() => {
      off();
      resolve(false);
    }, ms);
    const off = client.subscribe((state) => {
      if (!test(state)) return;
      clearTimeout(timer);
      off();
      resolve(true);
    });
  });
}

/**
 * Non-interactive mode (stdin is not a terminal): log in from the environment, join general,
 * send every input line as a message, print incoming messages as plain lines; at the end of
 * the input, wait until every message is acknowledged, leave, and return the exit status.
 */
export async function runPiped(options: PipedOptions): Promise<number> {
  const { env, err, out, serverUrl } = options;
  const username = env.CHATROOM_USERNAME ?? '';
  const password = env.CHATROOM_PASSWORD ?? '';
  if (!username || !password) {
    const missing = [!username && 'CHATROOM_USERNAME', !password && 'CHATROOM_PASSWORD'];
    err.write(`${MISSING_CREDENTIALS} (missing: ${missing.filter(Boolean).join(', ')})\n`);
    return 2;
  }
  let client: ChatClient;
  let stopPrinting = () => {};
  try {
    await checkServer(serverUrl);
    client = await loginAndConnect({
      serverUrl,
      username,
      password,
      onClient: (c) => {
        stopPrinting = printMessages(c, out);
      },
    });
  } catch (error) {
    const lines = isUnreachable(error)
      ? unreachableLines(serverUrl)
      : [`chatroom: ${errorText(error)}`];
    err.write(`${lines.join('\n')}\n`);
    return 1;
  }
  const stopNotices = printNotices(client, err);

  const lines = createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY });
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    lines.close();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  lines.on('line', (line) => {
    if (line.trim() !== '') client.send(line, GENERAL_ROOM);
  });
  await new Promise<void>((resolve) => lines.once('close', resolve));
  process.off('SIGINT', interrupt);
  process.off('SIGTERM', interrupt);

  const delivered =
    interrupted ||
    (await waitFor(
      client,
      (s) => undelivered(s).length === 0,
      options.deliveryTimeoutMs ?? 30_000,
    ));
  const state = client.getState();
  const failed = state.pending.filter((p) => p.error);
  const waiting = undelivered(state);
  stopPrinting();
  stopNotices();
  await leaveChat(client);
  if (!delivered || waiting.length > 0) {
    err.write(`chatroom: ${waiting.length} message(s) could not be delivered\n`);
    return 1;
  }
  if (failed.length > 0) {
    err.write(`chatroom: ${failed.length} message(s) refused by the server\n`);
    return 1;
  }
  return 0;
}
