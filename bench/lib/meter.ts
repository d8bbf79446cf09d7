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

/** The main thread's handle on the measuring clients' thread. */
export class Meter {
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

  private call(request: MeterRequest): Promise<MeterReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, request });
    });
  }

  async openSenders(port: number, tokens: (string | undefined)[]): Promise<void> {
    await this.call({ cmd: 'openSenders', port, tokens });
  }

  async openSampler(port: number, token: string | undefined): Promise<void> {
    await this.call({ cmd: 'openSampler', port, token });
  }

  async run(request: Omit<Extract<MeterRequest, { cmd: 'run' }>, 'cmd'>): Promise<ScheduleDone> {
    return (await this.call({ cmd: 'run', ...request })) as unknown as ScheduleDone;
  }

  async progress(): Promise<MeterProgress> {
    return (await this.call({ cmd: 'progress' })) as unknown as MeterProgress;
  }

  async results(): Promise<MeterResults> {
    return (await this.call({ cmd: 'results' })) as unknown as MeterResults;
  }

  /** Closes the senders and samplers; the thread stays for the next rig. */
  async close(): Promise<void> {
    await this.call({ cmd: 'close' }).catch(() => undefined);
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

let shared: Meter | undefined;

/**
 * The measuring thread, one for the whole run, and the main thread (the ~1,000 counting
 * receivers) made nicer than it. Both threads share the generator's core: at high load the
 * main thread is busy most of the time, and without this the scheduler let the measuring
 * thread wait out the main thread's time slice before it read an ack or a message (several
 * ms, counted as latency). On Linux `setPriority(process.pid)` changes the main thread only
 * (nice values are per thread), and a thread started later inherits it: hence one thread,
 * started before. Where that fails (another OS) the threads keep equal priorities.
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
