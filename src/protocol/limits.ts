/** Sizes and bounds of the wire contract (PROTOCOL.md, "Sizes"). */
export const LIMITS = {
  usernameMax: 20,
  passwordMin: 8,
  passwordMax: 128,
  roomNameMax: 30,
  contentMax: 4000,
  clientIdMax: 100,
  participantsMax: 50,
  httpBodyBytes: 64 * 1024,
  socketPacketBytes: 1024 * 1024,
  historyOnJoin: 100,
  historyDefault: 50,
  historyMax: 100,
  pollDefault: 100,
  pollMax: 500,
  syncPage: 500,
} as const;

/** Length in Unicode code points, the unit every text limit is counted in. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
