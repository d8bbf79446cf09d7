import { describe, expect, it } from 'vitest';
import { plainMessageLine, plainNoticeLine } from './plain-output.js';

const at = (h: number, m: number) => new Date(2026, 10, 21, h, m).toISOString();

describe('plain output', () => {
  it('prints a message as [HH:MM] user: text', () => {
    const message = {
      id: 1,
      room: 'general',
      username: 'alice',
      content: 'hi',
      timestamp: at(9, 5),
    };
    expect(plainMessageLine(message)).toBe('[09:05] alice: hi');
  });

  it('indents continuation lines and neutralizes escapes', () => {
    const message = {
      id: 2,
      room: 'general',
      username: 'bob',
      content: 'one\ntwo \u001B[31m',
      timestamp: at(23, 59),
    };
    expect(plainMessageLine(message)).toBe('[23:59] bob: one\n  two \uFFFD[31m');
    expect(plainNoticeLine('Disconnected from server')).toBe('[System] Disconnected from server');
  });
});
