import { z } from 'zod';

/**
 * The one typed configuration: defaults, then environment, validated at start.
 * Every knob a user can turn is listed in docs/configuration.md.
 */
const Bool = z.preprocess(
  (v) => (typeof v === 'string' || typeof v === 'boolean' ? String(v).toLowerCase() : v),
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
    .transform((v) => ['1', 'true', 'yes', 'on'].includes(v)),
);
const Count = z.coerce.number().int().min(0);

const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(5050),
  host: z.string().min(1).default('0.0.0.0'),
  databaseUrl: z.string().min(1).default('./data/chatroom.db'),
  /** Several nodes: Socket.IO's Redis adapter and presence in Redis (docs/scaling-out.md). */
  redisUrl: z.string().optional(),
  /** Prefix of every Redis key and pub/sub channel, so deployments can share one Redis. */
  redisKeyPrefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default('chatroom'),
  /** With Redis: a node that stops heartbeating is swept after this long. */
  presenceTtlSeconds: z.coerce.number().min(0.3).max(300).default(15),
  announcementFile: z.string().min(1).default('announcement.txt'),
  announcementPollMs: Count.default(1000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  sessionTtlHours: z.coerce
    .number()
    .positive()
    .default(24 * 30),
  allowedOrigins: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
  trustProxy: Bool.default(false),
  secureCookies: Bool.default(false),
  sqliteSynchronous: z.enum(['full', 'normal', 'extra']).default('full'),
  /** Failed logins allowed per username (and per address) in one window. 0 turns it off. */
  loginFailuresMax: Count.default(10),
  loginFailuresWindowSeconds: z.coerce.number().positive().default(300),
  registrationsMax: Count.default(20),
  registrationsWindowSeconds: z.coerce.number().positive().default(3600),
  messagesMax: Count.default(30),
  messagesWindowSeconds: z.coerce.number().positive().default(10),
  /** Requests per address per minute over all HTTP routes. 0 turns it off. */
  httpRequestsPerMinute: Count.default(1200),
  pollerOnlineSeconds: z.coerce.number().positive().default(30),
  shutdownGraceMs: Count.default(10_000),
  webRoot: z.string().optional(),
  /** Coalesce each websocket's writes per event-loop turn (one writev per recipient per turn). */
  writeCoalescing: Bool.default(true),
  /**
   * Load shedding: while the oldest frames waiting to be written have waited this long (ms),
   * new messages are refused with 429. 0 turns it off. Needs write coalescing.
   */
  overloadShedMs: Count.default(500),
});

export type Config = z.infer<typeof ConfigSchema>;
type ConfigInput = z.input<typeof ConfigSchema>;

const ENV_KEYS: Record<keyof Config, string> = {
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  redisUrl: 'REDIS_URL',
  redisKeyPrefix: 'REDIS_KEY_PREFIX',
  presenceTtlSeconds: 'PRESENCE_TTL_SECONDS',
  announcementFile: 'ANNOUNCEMENT_FILE',
  announcementPollMs: 'ANNOUNCEMENT_POLL_MS',
  logLevel: 'LOG_LEVEL',
  sessionTtlHours: 'SESSION_TTL_HOURS',
  allowedOrigins: 'ALLOWED_ORIGINS',
  trustProxy: 'TRUST_PROXY',
  secureCookies: 'SECURE_COOKIES',
  sqliteSynchronous: 'SQLITE_SYNCHRONOUS',
  loginFailuresMax: 'RATE_LOGIN_FAILURES',
  loginFailuresWindowSeconds: 'RATE_LOGIN_WINDOW_SECONDS',
  registrationsMax: 'RATE_REGISTRATIONS',
  registrationsWindowSeconds: 'RATE_REGISTRATIONS_WINDOW_SECONDS',
  messagesMax: 'RATE_MESSAGES',
  messagesWindowSeconds: 'RATE_MESSAGES_WINDOW_SECONDS',
  httpRequestsPerMinute: 'RATE_HTTP_PER_MINUTE',
  pollerOnlineSeconds: 'POLLER_ONLINE_SECONDS',
  shutdownGraceMs: 'SHUTDOWN_GRACE_MS',
  webRoot: 'WEB_ROOT',
  writeCoalescing: 'WRITE_COALESCING',
  overloadShedMs: 'OVERLOAD_SHED_MS',
};

export class ConfigError extends Error {}

/** Builds the configuration from defaults, then `env`, then explicit overrides (tests). */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ConfigInput> = {},
): Config {
  const fromEnv: Record<string, string> = {};
  for (const [key, name] of Object.entries(ENV_KEYS)) {
    // Blank counts as unset: `RATE_MESSAGES=" "` must not quietly become 0 (limit off).
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const result = ConfigSchema.safeParse({ ...fromEnv, ...overrides });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0]) as keyof Config;
      return `${ENV_KEYS[key] ?? key}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * Hides the password in a connection URL, for logs: in the user info (up to the last `@` of
 * the authority, the username may be empty as in `redis://:secret@host`) and in a
 * `password=` query parameter (libpq style).
 */
export function maskUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^/?#]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** The configuration as it may be logged: secrets masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    databaseUrl: maskUrl(config.databaseUrl),
    redisUrl: maskUrl(config.redisUrl),
  };
}
