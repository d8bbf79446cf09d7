import { parentPort } from 'node:worker_threads';
import type { MeterReply, MeterRequest } from './meter.js';
import { openMany, RawClient, tally } from './raw-client.js';
import { Samples } from './stats.js';

/**
 * The measuring clients of a fanout, on threads of their own: one thread runs the senders (the
 * open-loop send schedule and the ack latencies), another the sampling receivers (send-to-receive
 * latency); each is this module, told which clients to open. The
 * ~1,000 counting receivers keep the main thread busy reading frames; on the same thread as
 * them, a measuring client would read its frame only once the thread got round to it, and that
 * wait (the generator's own event-loop delay, 10–30 ms at high load) would count as latency.
 * A thread of its own is woken as soon as its socket is readable.
 *
 * Times inside this thread are its own `performance.now()`; times reported to the main thread
 * are absolute (`performance.timeOrigin + now`), comparable across threads.
 */

const port = parentPort;
if (!port) throw new Error('meter-worker runs as a worker thread');

const absolute = (now: number) => performance.timeOrigin + now;

let senders: RawClient[] = [];
const samplers: RawClient[] = [];
let step = '';
let due = new Float64Array(0);
let acked = 0;
let nacked = 0;
/** Messages with an index below this are the lead-in: measured apart (the step response). */
let leadIn = 0;
let ackSamples = new Samples();
let latencySamples = new Samples();
let leadInAckSamples = new Samples();
let leadInLatencySamples = new Samples();
/** How late each message was sent after its due time (the generator's own delay). */
let lagSamples = new Samples();

const CONTENT = Buffer.from('"content":"');
const BAR = 0x7c;

/**
 * A sampled `new_message` frame: 42["new_message",{..."content":"<step>|<due ms>|<index>|..."}].
 * The fields are found in the frame's bytes, not by decoding and parsing its JSON: twenty
 * samplers read every message, and this thread shares the generator's core with the counting
 * receivers.
 */
function onSample(data: Buffer, start: number, end: number, at: number): void {
  const content = data.indexOf(CONTENT, start);
  if (content < 0 || content >= end) return;
  const from = content + CONTENT.length;
  const bar1 = data.indexOf(BAR, from);
  const bar2 = bar1 < 0 ? -1 : data.indexOf(BAR, bar1 + 1);
  const bar3 = bar2 < 0 ? -1 : data.indexOf(BAR, bar2 + 1);
  if (bar3 < 0 || bar3 >= end) return;
  if (data.toString('latin1', from, bar1) !== step) return;
  const dueAt = Number(data.toString('latin1', bar1 + 1, bar2));
  const index = Number(data.toString('latin1', bar2 + 1, bar3));
  (index < leadIn ? leadInLatencySamples : latencySamples).add(at - dueAt);
}

function onAck(text: string, at: number): void {
  // 43<id>[{"success":true,...}]
  const bracket = text.indexOf('[');
  const id = Number(text.slice(2, bracket));
  if (!Number.isInteger(id) || id >= due.length) return;
  if (text.startsWith('{"success":true', bracket + 1)) acked++;
  else nacked++;
  (id < leadIn ? leadInAckSamples : ackSamples).add(at - (due[id] as number));
}

type RunRequest = Extract<MeterRequest, { cmd: 'run' }>;

/** A new step: its name and lead-in, and every count and sample of this thread started afresh. */
function prepare(request: Pick<RunRequest, 'step' | 'leadIn'> & { total: number }): void {
  step = request.step;
  leadIn = request.leadIn;
  due = new Float64Array(request.total);
  acked = 0;
  nacked = 0;
  ackSamples = new Samples();
  latencySamples = new Samples();
  leadInAckSamples = new Samples();
  leadInLatencySamples = new Samples();
  lagSamples = new Samples();
  for (const client of samplers) {
    client.newMessages = 0;
    client.lastNewMessageAt = 0;
  }
}

/**
 * A `client_id` shaped like the clients' own (24 characters: src/client/client-id.ts), unique
 * per run. Shorter ones would measure something no client sends: V8 interns every JSON string
 * value of up to 10 characters it parses, in the old generation, where each one stays until a
 * major GC (`${step}-${next}`, 8–9 characters, did that, ~35 bytes a message).
 */
function clientId(index: number): string {
  return `${step}-${index}`.padStart(24, '0');
}

/** Sends every message on its due time (open loop); resolves once the last one is sent. */
function schedule(request: RunRequest): Promise<MeterReply> {
  const { rate, total, room, contentLength } = request;
  prepare(request);
  const interval = 1000 / rate;
  const t0 = performance.now() + 50;
  const filler = 'x'.repeat(contentLength);
  let next = 0;
  return new Promise((done) => {
    const tick = () => {
      const now = performance.now();
      while (next < total) {
        const dueAt = t0 + next * interval;
        if (dueAt > now) break;
        if (next >= leadIn) lagSamples.add(now - dueAt);
        due[next] = dueAt;
        const head = `${step}|${dueAt.toFixed(3)}|${next}|`;
        const content = head + filler.slice(0, Math.max(0, contentLength - head.length));
        const sender = senders[next % senders.length] as RawClient;
        sender.sendText(
          `42${next}["send_message",{"content":"${content}","room":"${room}","client_id":"${clientId(next)}"}]`,
        );
        next++;
      }
      if (next >= total) {
        done({ t0: absolute(t0), sendEnd: absolute(performance.now()) });
        return;
      }
      setTimeout(tick, Math.max(0, Math.min(1, t0 + next * interval - performance.now())));
    };
    setTimeout(tick, 50);
  });
}

async function handle(request: MeterRequest): Promise<MeterReply> {
  switch (request.cmd) {
    case 'openSenders':
      senders = await openMany(request.tokens.length, (i) => {
        return new RawClient({ port: request.port, token: request.tokens[i], onAck });
      });
      return {};
    case 'openSampler': {
      const client = new RawClient({
        port: request.port,
        token: request.token,
        onNewMessage: onSample,
      });
      samplers.push(client);
      await client.open();
      return {};
    }
    case 'prepare':
      prepare({ ...request, total: 0 });
      return {};
    case 'run':
      return schedule(request);
    case 'progress': {
      const sampled = tally(samplers);
      const open = sampled.open + tally(senders).open;
      return { acked, nacked, delivered: sampled.delivered, lastDelivery: sampled.last, open };
    }
    case 'results':
      return {
        ack: ackSamples.summary(),
        latency: latencySamples.summary(),
        sendLag: lagSamples.summary(),
        leadInAck: leadInAckSamples.summary(),
        leadInLatency: leadInLatencySamples.summary(),
      };
    case 'close':
      for (const client of [...senders, ...samplers]) client.close();
      senders = [];
      samplers.length = 0;
      return {};
  }
}

port.on('message', (message: { id: number; request: MeterRequest }) => {
  handle(message.request).then(
    (reply) => port.postMessage({ id: message.id, reply }),
    (error: Error) => port.postMessage({ id: message.id, error: error.message }),
  );
});
