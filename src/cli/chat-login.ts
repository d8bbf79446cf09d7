import { ApiError, ChatClient, HttpApi, ServerUnreachableError } from '../client/index.js';
import { GENERAL_ROOM } from '../protocol/index.js';

/** What to print when the server cannot be reached, and what to check. */
export function unreachableLines(serverUrl: string): string[] {
  return [
    `Cannot connect to server at ${serverUrl}`,
    'Check that:',
    '  - the Chatroom server is running (npm start in the server directory)',
    `  - SERVER_URL (or --server) points at it; it is ${serverUrl} now`,
    '  - nothing (firewall, proxy) blocks the connection',
  ];
}

/** Is a Chatroom server answering at `serverUrl`? Throws ServerUnreachableError if not. */
export async function checkServer(serverUrl: string, timeoutMs = 4000): Promise<void> {
  await new HttpApi(serverUrl, timeoutMs).health();
}

/** The message for a failed request: the server's own words, or the connection problem. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export function isUnreachable(error: unknown): error is ServerUnreachableError {
  return error instanceof ServerUnreachableError;
}

export interface ChatLoginOptions {
  serverUrl: string;
  username: string;
  password: string;
  /** Gives up on the first socket connection after this long. */
  connectTimeoutMs?: number;
  socketOptions?: ConstructorParameters<typeof ChatClient>[0]['socketOptions'];
  /** Called with the client before it connects (to hear everything from the first message). */
  onClient?: (client: ChatClient) => void;
}

/**
 * Logs in, connects the shared chat client (rooms, history, presence) and joins `general`.
 * Throws with the server's message (e.g. "Invalid username or password").
 */
export async function loginAndConnect(options: ChatLoginOptions): Promise<ChatClient> {
  const http = new HttpApi(options.serverUrl);
  const session = await http.login(options.username, options.password);
  const client = new ChatClient({
    serverUrl: options.serverUrl,
    token: session.token,
    username: session.user.username,
    ...(options.socketOptions ? { socketOptions: options.socketOptions } : {}),
  });
  options.onClient?.(client);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ServerUnreachableError(options.serverUrl)),
      options.connectTimeoutMs ?? 10_000,
    );
  });
  try {
    await Promise.race([client.start(), timeout]);
    const refused = await client.join(GENERAL_ROOM);
    if (refused) throw new Error(refused);
    return client;
  } catch (error) {
    client.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Logs out (the token is revoked) and disconnects, so others see the user leave at once. */
export async function leaveChat(client: ChatClient, timeoutMs = 1500): Promise<void> {
  await Promise.race([
    client.logout().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, timeoutMs)),
  ]);
  client.stop();
}
