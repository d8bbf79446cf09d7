import type { TestServer } from './server.js';

export interface InjectOptions {
  /** Sent as JSON (content-type set) unless `raw` is given. */
  body?: unknown;
  /** A raw body, sent as is (set the content-type yourself in `headers`). */
  raw?: string | Buffer;
  token?: string;
  headers?: Record<string, string>;
}

export interface InjectResponse {
  status: number;
  body: Record<string, unknown> & { success: boolean };
  headers: Record<string, string | string[] | number | undefined>;
}

/** One request through Fastify's `inject()` (no socket needed); the answer parsed as JSON. */
export async function inject(
  server: Pick<TestServer, 'app'>,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH',
  url: string,
  options: InjectOptions = {},
): Promise<InjectResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | Buffer | undefined;
  if (options.raw !== undefined) payload = options.raw;
  else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await server.app.http.inject({ method, url, headers, payload });
  return {
    status: response.statusCode,
    body: response.json(),
    headers: response.headers,
  };
}

/** The `name=value` part of the session cookie a login set. */
export function sessionCookie(response: InjectResponse): string {
  const raw = response.headers['set-cookie'];
  const first = Array.isArray(raw) ? raw[0] : String(raw);
  const pair = first?.split(';')[0];
  if (!pair) throw new Error('no Set-Cookie header');
  return pair;
}
