import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig, maskUrl } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 5050,
      host: '0.0.0.0',
      databaseUrl: './data/chatroom.db',
      announcementFile: 'announcement.txt',
      trustProxy: false,
      secureCookies: false,
      allowedOrigins: [],
      messagesMax: 30,
      loginFailuresMax: 10,
      registrationsMax: 20,
      overloadShedMs: 500,
    });
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads and converts environment variables', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://chat:pw@db/chat',
      REDIS_URL: 'redis://cache:6379',
      TRUST_PROXY: 'yes',
      SECURE_COOKIES: '1',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example,,',
      RATE_MESSAGES: '0',
      RATE_MESSAGES_WINDOW_SECONDS: '2.5',
      LOG_LEVEL: 'debug',
      SQLITE_SYNCHRONOUS: 'normal',
      OVERLOAD_SHED_MS: '0',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgres://chat:pw@db/chat',
      redisUrl: 'redis://cache:6379',
      trustProxy: true,
      secureCookies: true,
      allowedOrigins: ['https://a.example', 'https://b.example'],
      messagesMax: 0,
      messagesWindowSeconds: 2.5,
      logLevel: 'debug',
      sqliteSynchronous: 'normal',
      overloadShedMs: 0,
    });
  });

  it.each([
    ['on', true],
    ['TRUE', true],
    [' Yes ', true],
    ['off', false],
    ['No', false],
    ['0', false],
  ])('reads the flag %j as %s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({ PORT: '', RATE_MESSAGES: '   ', HOST: ' ' });
    expect(config.port).toBe(5050);
    expect(config.messagesMax).toBe(30);
    expect(config.host).toBe('0.0.0.0');
  });

  it('trims values', () => {
    expect(loadConfig({ HOST: ' 127.0.0.1 \n', PORT: ' 81 ' })).toMatchObject({
      host: '127.0.0.1',
      port: 81,
    });
  });

  it('lets explicit overrides win over the environment', () => {
    expect(loadConfig({ PORT: '8080' }, { port: 0 }).port).toBe(0);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['RATE_MESSAGES', '-1'],
    ['RATE_MESSAGES', 'lots'],
    ['RATE_LOGIN_FAILURES', '1.5'],
    ['RATE_MESSAGES_WINDOW_SECONDS', '0'],
    ['SESSION_TTL_HOURS', '-3'],
    ['SESSION_TTL_HOURS', 'Infinity'],
    ['TRUST_PROXY', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['SQLITE_SYNCHRONOUS', 'off'],
    ['OVERLOAD_SHED_MS', '-5'],
    ['OVERLOAD_SHED_MS', 'soon'],
    ['OVERLOAD_SHED_MS', '2.5'],
  ])('rejects %s=%j naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('reports every invalid variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT:.*LOG_LEVEL:/);
  });
});

describe('maskUrl', () => {
  it.each([
    ['postgres://chat:s3cret@db:5432/chat', 'postgres://chat:***@db:5432/chat'],
    [
      'postgresql://chat:s3cret@db/chat?sslmode=require',
      'postgresql://chat:***@db/chat?sslmode=require',
    ],
    ['redis://:s3cret@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['redis://default:s3cret@cache:6379', 'redis://default:***@cache:6379'],
    ['postgres://chat:p@ss:w@rd@db/chat', 'postgres://chat:***@db/chat'],
    [
      'postgres://db/chat?user=chat&password=s3cret&ssl=1',
      'postgres://db/chat?user=chat&password=***&ssl=1',
    ],
  ])('hides the password of %s', (url, masked) => {
    expect(maskUrl(url)).toBe(masked);
    expect(maskUrl(url)).not.toMatch(/s3cret|ss:w|rd@db\/chat\?/);
  });

  it.each([
    'postgres://chat@db/chat',
    'redis://cache:6379',
    './data/chatroom.db',
    ':memory:',
    'sqlite:./x.db',
  ])('leaves %s without a password as it is', (url) => {
    expect(maskUrl(url)).toBe(url);
  });

  it('passes undefined through', () => {
    expect(maskUrl(undefined)).toBeUndefined();
  });
});

describe('describeConfig', () => {
  it('masks the database and Redis passwords without touching the config', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://chat:db-secret@db/chat',
      REDIS_URL: 'redis://:redis-secret@cache:6379',
    });
    const described = JSON.stringify(describeConfig(config));
    expect(described).not.toContain('db-secret');
    expect(described).not.toContain('redis-secret');
    expect(described).toContain('postgres://chat:***@db/chat');
    expect(config.databaseUrl).toBe('postgres://chat:db-secret@db/chat');
  });
});

describe('loadConfig overrides', () => {
  it('take flags as booleans too', () => {
    expect(loadConfig({}, { secureCookies: true, trustProxy: false })).toMatchObject({
      secureCookies: true,
      trustProxy: false,
    });
  });
});
