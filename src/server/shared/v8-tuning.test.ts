import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { tuneV8, V8_FLAGS } from './v8-tuning.js';

// V8's own test helpers (functions compiled after the flag is set).
setFlagsFromString('--allow-natives-syntax');

/** Makes each probe's source text unique: see bornOld. */
let probes = 0;

/**
 * A fresh allocation site (a function of its own) that allocates objects which all survive,
 * the pattern V8 pretenures; returns how many of the last quarter were born in the old space.
 * Each probe's source differs: V8 caches `new Function` by its source, with its feedback, so a
 * probe with the same text would reuse the allocation sites (and the pretenuring decisions) of
 * the probes before it.
 */
function bornOld(): number {
  probes++;
  const probe = new Function(`
    // probe ${probes}
    const keep = [];
    let old = 0;
    for (let i = 0; i < 400000; i++) {
      const o = { i, list: [i], text: 'x' + i };
      if (i >= 300000 && !%InYoungGeneration(o)) old++;
      keep.push(o);
    }
    return old;
  `) as () => number;
  return probe();
}

describe('V8_FLAGS', () => {
  it("names only flags this Node's V8 knows, with a value exactly where the flag takes one", () => {
    // setFlagsFromString drops an unknown flag silently: a renamed flag would just stop working.
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of V8_FLAGS) {
      const [name, value] = flag.replace(/^--(no-)?/, '').split('=') as [string, string?];
      const declared = new RegExp(`^  --${name} \\(.*\\)\\n\\s+type: (\\w+)`, 'm').exec(options);
      expect(declared, flag).not.toBeNull();
      expect(declared?.[1] === 'bool', flag).toBe(value === undefined);
    }
  });
});

describe('tuneV8', () => {
  it('turns allocation-site pretenuring off in a running process: objects are born young', () => {
    // By default V8 moves a site whose objects survive to the old space at birth. When it
    // decides depends on when its GCs run (in the full suite the first site often stays young,
    // the second does not): a few fresh sites, at most.
    let control = 0;
    for (let attempt = 0; attempt < 5 && control === 0; attempt++) control = bornOld();
    expect(control).toBeGreaterThan(0);
    tuneV8();
    for (let attempt = 0; attempt < 3; attempt++) expect(bornOld()).toBe(0);
  });
});
