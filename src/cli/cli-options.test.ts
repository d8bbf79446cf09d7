import { describe, expect, it } from 'vitest';
import { colorsEnabled, normalizeServerUrl, packageVersion } from './cli-options.js';

describe('command-line options', () => {
  it('normalizes server URLs', () => {
    expect(normalizeServerUrl('http://localhost:5050')).toBe('http://localhost:5050');
    expect(normalizeServerUrl('http://localhost:5050/')).toBe('http://localhost:5050');
    expect(normalizeServerUrl('localhost:5050')).toBe('http://localhost:5050');
    expect(normalizeServerUrl(' https://chat.example.org/team/ ')).toBe(
      'https://chat.example.org/team',
    );
    expect(normalizeServerUrl('HTTP://Example.ORG')).toBe('http://example.org');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(normalizeServerUrl('')).toBeNull();
    expect(normalizeServerUrl('ftp://example.org')).toBeNull();
    expect(normalizeServerUrl('http://')).toBeNull();
    expect(normalizeServerUrl('http://host/?q=1')).toBeNull();
  });

  it('uses colours only on a terminal without NO_COLOR', () => {
    expect(colorsEnabled({}, true)).toBe(true);
    expect(colorsEnabled({}, false)).toBe(false);
    expect(colorsEnabled({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorsEnabled({ NO_COLOR: '' }, true)).toBe(true); // no-color.org: empty means unset
  });

  it('reads the version from package.json', () => {
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
