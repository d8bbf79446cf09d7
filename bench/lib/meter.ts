import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LatencySummary } from './stats.js';

/** Requests to the measuring clients' thread (bench/lib/meter-worker.ts). */
export type MeterRequest =
  | { cmd: 'openSenders'; port: number; tokens: (string | undefined)[] }
  | { cmd: 'openSampler'; port: number; token: string | undefined }
  | {
      cmd: 'run';
      step: string;
      rate: number;
      /** Messages to send, the lead-in included. */
      total: number;
      /** The first `leadIn` messages: their latencies are kept apart. */
      leadIn: number;
      room: string;
      contentLength: number;
    }
  /** The samplers' thread: a new step begins (its name and lead-in). */
  | { cmd: 'prepare'; step: string; leadIn: number }
  | { cmd: 'progress' }
  | { cmd: 'results' }
  | { cmd: 'close' };

export type MeterReply = Record<string, unknown>;

/** Absolute times (performance.timeOrigin + now), ms. */
export interface ScheduleDone {
  t0: number;
  sendEnd: number;
}

/**
 * A step's latencies (ms): acks and deliveries from each message's due time, and send lag;
 * those of the lead-in's messages apart.
 */
export interface MeterResults {
  ack: LatencySummary;
  latency: LatencySummary;
  sendLag: LatencySummary;
  leadInAck: LatencySummary;
  leadInLatency: LatencySummary;
}

export interface MeterProgress {
  acked: number;
  nacked: number;
  /** `new_message` frames the sampling receivers got in this step. */
  delivered: number;
  /** Absolute time of the samplers' last `new_message`, 0 if none. */
  lastDelivery: number;
  /** Senders and samplers still open. */
  open: number;
}

/** One measuring thread (bench/lib/meter-worker.ts) and its requests in flight. */
class MeterThread {
  private readonly worker = new Worker(new URL('./meter-worker-entry.mjs', import.meta.url));
  private nextId = 0;
  private failure: Error | null = null;
  private readonly waiting = new Map<
    number,
    { resolve: (reply: MeterReply) => void; reject: (error: Error) => void }
  >();

  constructor() {
    this.worker.on('message', (message: { id: number; reply?: MeterReply; error?: string }) => {
      const pending = this.waiting.get(message.id);
      if (!pending) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(message.error));
      else pending.resolve(message.reply ?? {});
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const pending of this.waiting.values()) pending.reject(error);
      this.waiting.clear();
    });
  }

  call(request: MeterRequest): Promise<MeterReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * The main thread's handle on the measuring clients: the senders on one thread, the sampling
 * receivers on another. On one thread the senders' timer waited behind the samplers' reading
 * (twenty sockets, every message each): at 2,948 msg/s the send lag's p99 was 5.8–11 ms, every
 * bit of it counted in each ack's and delivery's latency.
 */
export class Meter {
  private readonly senders = new MeterThread();
  private readonly samplers = new MeterThread();

  async openSenders(port: number, tokens: (string | undefined)[]): Promise<void> {
    await this.senders.call({ cmd: 'openSenders', port, tokens });
  }

  async openSampler(port: number, token: string | undefined): Promise<void> {
    await this.samplers.call({ cmd: 'openSampler', port, token });
  }

  async run(request: Omit<Extract<MeterRequest, { cmd: 'run' }>, 'cmd'>): Promise<ScheduleDone> {
    await this.samplers.call({ cmd: 'prepare', step: request.step, leadIn: request.leadIn });
    return (await this.senders.call({ cmd: 'run', ...request })) as unknown as ScheduleDone;
  }

  /** The same request to both threads: the senders' reply, then the samplers'. */
  private async both<T>(request: MeterRequest): Promise<[T, T]> {
    const replies = await Promise.all([this.senders.call(request), this.samplers.call(request)]);
    return replies as unknown as [T, T];
  }

  async progress(): Promise<MeterProgress> {
    const [sending, sampling] = await this.both<MeterProgress>({ cmd: 'progress' });
    return {
      acked: sending.acked,
      nacked: sending.nacked,
      delivered: sampling.delivered,
      lastDelivery: sampling.lastDelivery,
      open: sending.open + sampling.open,
    };
  }

  async results(): Promise<MeterResults> {
    const [sending, sampling] = await this.both<MeterResults>({ cmd: 'results' });
    return {
      ack: sending.ack,
      sendLag: sending.sendLag,
      leadInAck: sending.leadInAck,
      latency: sampling.latency,
      leadInLatency: sampling.leadInLatency,
    };
  }

  /** Closes the senders and samplers; the threads stay for the next rig. */
  async close(): Promise<void> {
    await Promise.all([
      this.senders.call({ cmd: 'close' }).catch(() => undefined),
      this.samplers.call({ cmd: 'close' }).catch(() => undefined),
    ]);
  }

  async terminate(): Promise<void> {
    await Promise.all([this.senders.terminate(), this.samplers.terminate()]);
  }
}

let shared: Meter | undefined;

/**
 * The measuring threads, one pair for the whole run, and the main thread (the ~1,000 counting
 * receivers) made nicer than them. All share the generator's core: at high load the main
 * thread is busy most of the time, and without this the scheduler let a measuring thread wait
 * out the main thread's time slice before it read an ack or a message (several ms, counted as
 * latency). On Linux `setPriority(process.pid)` changes the main thread only (nice values are
 * per thread), and a thread started later inherits it: hence the threads are started before.
 * Where that fails (another OS) the threads keep equal priorities.
 */
export function sharedMeter(): Meter {
  if (shared === undefined) {
    shared = new Meter();
    try {
      setPriority(process.pid, 10);
    } catch {
      // Equal priorities: measured as before.
    }
  }
  return shared;
}

export async function terminateSharedMeter(): Promise<void> {
  await shared?.terminate();
  shared = undefined;
}
