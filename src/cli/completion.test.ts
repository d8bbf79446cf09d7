import { describe, expect, it } from 'vitest';
import { complete } from './completion.js';

const end = (text: string) => complete([...text], [...text].length, ['alice', 'Albert', 'bob']);

describe('complete', () => {
  it('completes a name at the start of the line with ": "', () => {
    expect(end('bo')).toEqual({ text: 'bob: ', cursor: 5 });
  });

  it('completes a name later in the line with a space, keeping the rest', () => {
    expect(complete([...'hi bo there'], 5, ['bob'])).toEqual({ text: 'hi bob there', cursor: 7 });
    expect(end('ping @bo')).toEqual({ text: 'ping @bob ', cursor: 10 });
  });

  it('completes several candidates to their common prefix, case-insensitively', () => {
    expect(end('a')).toEqual({ text: 'al', cursor: 2 });
    expect(end('al')).toBeNull(); // ambiguous, nothing more in common
    expect(end('ALB')).toEqual({ text: 'Albert: ', cursor: 8 });
  });

  it('completes command names', () => {
    expect(end('/jo')).toEqual({ text: '/join ', cursor: 6 });
    expect(end('/hi')).toEqual({ text: '/history ', cursor: 9 });
    expect(end('/h')).toBeNull(); // /help or /history
  });

  it('returns null when nothing matches', () => {
    expect(end('zz')).toBeNull();
    expect(end('hi ')).toBeNull();
  });
});
