import type { Message, PublicUser, Room } from '../protocol/index.js';

/** A failed request: the server's own message (or a connection problem), and the status. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Thrown when the server cannot be reached at all. */
export class ServerUnreachableError extends ApiError {
  constructor(readonly serverUrl: string) {
    super(`Cannot connect to server at ${serverUrl}`, 0);
    this.name = 'ServerUnreachableError';
  }
}

export interface Session {
  token: string;
  user: PublicUser;
}

/** The handful of HTTP calls the clients make (accounts and room lists). */
export class HttpApi {
  constructor(
    readonly serverUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(new URL(path, this.serverUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
        credentials: 'same-origin',
      });
    } catch {
      throw new ServerUnreachableError(this.serverUrl);
    }
    let payload: { success?: boolean; message?: string } & Record<string, unknown>;
    try {
      payload = (await response.json()) as typeof payload;
    } catch {
      throw new ApiError(
        `Unexpected answer from server (HTTP ${response.status})`,
        response.status,
      );
    }
    if (!response.ok || payload.success !== true) {
      throw new ApiError(payload.message ?? `HTTP ${response.status}`, response.status);
    }
    return payload as T;
  }

  async register(username: string, password: string): Promise<PublicUser> {
    const r = await this.call<{ user: PublicUser }>('POST', '/register', { username, password });
    return r.user;
  }

  async login(username: string, password: string): Promise<Session> {
    const r = await this.call<Session>('POST', '/login', { username, password });
    return { token: r.token, user: r.user };
  }

  async logout(token: string): Promise<void> {
    await this.call('POST', '/logout', undefined, token);
  }

  async rooms(token: string): Promise<Room[]> {
    return (await this.call<{ rooms: Room[] }>('GET', '/rooms', undefined, token)).rooms;
  }

  /** Resolves when the server answers `GET /health`; throws ServerUnreachableError if not. */
  async health(): Promise<void> {
    await this.call('GET', '/health');
  }

  async announcement(): Promise<string> {
    return (await this.call<{ announcement: string }>('GET', '/announcement')).announcement;
  }

  async messagesSince(token: string, lastId: number, limit = 100): Promise<Message[]> {
    const path = `/messages?last_id=${lastId}&limit=${limit}`;
    return (await this.call<{ messages: Message[] }>('GET', path, undefined, token)).messages;
  }
}
