import type { AppendResult, MessageStore, NewMessage } from './message-store.js';

interface Pending {
  item: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

export interface WriterOptions {
  /** Most messages per transaction (default 500). */
  maxBatch?: number;
  /** Runs a task in a later turn, after I/O (default setImmediate; the app: `runAheadOfFlush`). */
  later?: (task: () => void) => void;
}

/**
 * Group commit: every message that arrives in one event-loop turn (and while the previous
 * commit is in flight) is stored in one transaction. Each caller resolves only after its
 * message is durably committed, in the order the messages arrived.
 *
 * `onCommitted` sees each committed batch, in order, before any of its callers resumes: the
 * whole batch can be broadcast at once (one walk over a room for all of its messages), and
 * every reply then follows every message of its batch on the wire.
 */
export class MessageWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight: Promise<void> | null = null;
  private readonly maxBatch: number;
  private readonly later: (task: () => void) => void;

  constructor(
    private readonly store: MessageStore,
    private readonly dedupeSince: () => string,
    private readonly onCommitted: (results: readonly AppendResult[]) => void = () => {},
    options: WriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.later = options.later ?? setImmediate;
  }

  append(item: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once everything queued so far is committed. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight || this.scheduled) {
      if (this.inFlight) await this.inFlight;
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    this.later(() => {
      this.scheduled = false;
      this.inFlight = this.flush().finally(() => {
        this.inFlight = null;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    try {
      const results = await this.store.append(
        batch.map((p) => p.item),
        this.dedupeSince(),
      );
      this.onCommitted(results);
      batch.forEach((pending, i) => {
        const result = results[i];
        if (result) pending.resolve(result);
        else pending.reject(new Error('message store returned fewer results than messages'));
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
