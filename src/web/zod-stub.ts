/**
 * What `zod` resolves to in the web build. The shared protocol module builds its schemas when
 * it loads, but the browser client never validates with them (the server does), so shipping
 * zod (~25 KB gzipped) would be dead weight. This stand-in lets the schema definitions run
 * (every property and call returns the same chainable object) and fails loudly if any code
 * in the browser actually tries to parse with one.
 */
const PARSERS = new Set(['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'decode', 'encode']);

function refuse(): never {
  throw new Error('zod schemas are not available in the web client build (see vite.config.ts)');
}

const chain: unknown = new Proxy(() => undefined, {
  get: (_target, key) => (typeof key === 'string' && PARSERS.has(key) ? refuse : chain),
  apply: () => chain,
});

export const z = chain;
export default chain;
