import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings of the server process, applied by main.ts before anything else runs.
 *
 * `--no-allocation-site-pretenuring`: V8 watches where objects are allocated, and when most
 * objects of one allocation site survive a young-generation GC it allocates that site's
 * objects straight in the old generation from then on. Under a steady stream of messages the
 * per-message objects (the decoded packet, zod's parse results, the promise chain of the
 * handler: they live for the one or two event-loop iterations until the commit) met that
 * test, so they were all allocated in the old generation, which grew by ~5 MB/s until a full
 * mark-compact: ~100 ms of marking on the server's one core, and every ack and delivery of
 * that moment waited. (A sampling heap profile of what the full GC collected: the message
 * path's objects, ~65 MB in 12 s at 2,948 msg/s.) With pretenuring off they die young, as
 * they should; no full GC ran during the same 12 s, and ack p99 went from 17–39 ms to 11–16
 * ms (docs/benchmarks.md). Long-lived objects (connections, rooms) are few and built
 * gradually: being copied once more on their way to the old generation costs nothing
 * measurable.
 *
 * Set at run time rather than on the command line, so `npm start`, the Docker image and a
 * plain `node dist/server/main.mjs` all run the same way; V8 reads this flag at each
 * decision, so setting it before the first request is enough (test: v8-tuning.test.ts).
 *
 * `--no-parallel-scavenge`: the young-generation GC runs on the main thread alone. main.ts
 * puts V8's helper threads behind the event loop (helper-thread-priority.ts), and a parallel
 * scavenge hands them part of its work and waits for it: at nice 19 that part only starts
 * once the main thread has done its own and waits, so scavenges got longer (p90 8.2 against
 * 4.6 ms, docs/benchmarks.md). Alone they take ~1 ms at p50 here (a few KB survive each),
 * against ~1.3 ms in parallel on the server's one core. V8 reads the flag at each scavenge.
 *
 * `--incremental-marking-soft-trigger=85`, `--incremental-marking-hard-trigger=95`: a major GC
 * starts marking once 85% of the way from the old generation's size at the last one to its
 * next limit (at once from 95%), instead of V8's default: as soon as what is left is below the
 * young generation's capacity. That margin is ~24 MB here, and V8 counts in it the bytes of
 * ArrayBuffers allocated since the last major GC: the broadcast frames, which under load often
 * lived through two scavenges (one every ~60 ms at 6,000 msg/s) on their way to a thousand
 * sockets (now mostly only after a stall: room-feed.ts lets each go once its members are
 * flushed), and with them the 8 KB pools they were cut from (no longer: unpooled-concat.ts).
 * So by default marking started a few MB after each major GC, and a major GC (each marks the
 * whole ~35 MB live old generation on the server's one core) came every 1–3 s under load;
 * with the triggers, half as many or fewer, and ack p99 fell in every A/B pair
 * (docs/benchmarks.md, "Marking starts later"). The limit itself is unchanged; the old
 * generation may grow by up to about the young generation's capacity (16 MB) more than before
 * until a major GC. V8 reads both flags at each decision (`Heap::IncrementalMarkingLimitReached`).
 *
 * V8 ignores a flag it does not know without a word: v8-tuning.test.ts checks each one against
 * this Node's `--v8-options`.
 */
export const V8_FLAGS: readonly string[] = [
  '--no-allocation-site-pretenuring',
  '--no-parallel-scavenge',
  '--incremental-marking-soft-trigger=85',
  '--incremental-marking-hard-trigger=95',
];

export function tuneV8(): void {
  for (const flag of V8_FLAGS) setFlagsFromString(flag);
}
