import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, readCookie } from './origin.js';

describe('isAllowedOrigin', () => {
  it.each([
    ['http://chat.example:5050', 'chat.example:5050'],
    ['https://chat.example', 'chat.example'],
    ['https://Chat.Example', 'CHAT.example'],
    ['http://127.0.0.1:5050', '127.0.0.1:5050'],
  ])('accepts %s for Host %s (own origin, any scheme)', (origin, host) => {
    expect(isAllowedOrigin(origin, host, [])).toBe(true);
  });

  it.each([
    [undefined, 'chat.example'],
    ['null', 'chat.example'],
    ['https://evil.example', 'chat.example'],
    ['https://chat.example:444', 'chat.example'],
    ['https://chat.example.evil.example', 'chat.example'],
    ['not a url', 'chat.example'],
    ['https://chat.example', undefined],
  ])('refuses %s for Host %s', (origin, host) => {
    expect(isAllowedOrigin(origin, host, [])).toBe(false);
  });

  it('accepts an origin listed in configuration, whatever the Host', () => {
    expect(isAllowedOrigin('https://app.example', 'api.example', ['https://app.example'])).toBe(
      true,
    );
    expect(isAllowedOrigin('https://app.example', undefined, ['https://app.example'])).toBe(true);
    expect(isAllowedOrigin('https://other.example', 'api.example', ['https://app.example'])).toBe(
      false,
    );
  });
});

describe('readCookie', () => {
  it('finds one cookie among several', () => {
    expect(readCookie('a=1; chatroom_session=tok; b=2', 'chatroom_session')).toBe('tok');
    expect(readCookie('chatroom_session=t%2Fk', 'chatroom_session')).toBe('t/k');
  });

  it('answers undefined when absent or malformed', () => {
    expect(readCookie(undefined, 'x')).toBeUndefined();
    expect(readCookie('', 'x')).toBeUndefined();
    expect(readCookie('xy=1; x', 'x')).toBeUndefined();
    expect(readCookie('x=%E0%A4%A', 'x')).toBeUndefined();
  });
});
