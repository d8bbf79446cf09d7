import { z } from 'zod';
import { ERRORS } from './errors.js';
import { codePointLength, LIMITS } from './limits.js';
import { RoomRef } from './room.js';

export const Message = z.object({
  id: z.number().int().positive(),
  room: z.string(),
  username: z.string(),
  content: z.string(),
  timestamp: z.string(),
  client_id: z.string().optional(),
});
export type Message = z.infer<typeof Message>;

/** Message text: exactly as typed, not blank, at most 4000 code points. */
export const Content = z.string({ error: ERRORS.messageEmpty }).superRefine((text, ctx) => {
  if (text.trim().length === 0) ctx.addIssue({ code: 'custom', message: ERRORS.messageEmpty });
  else if (codePointLength(text) > LIMITS.contentMax)
    ctx.addIssue({ code: 'custom', message: ERRORS.messageTooLong });
});

export const ClientId = z
  .string()
  .min(1, { error: ERRORS.clientIdShape })
  .max(LIMITS.clientIdMax, { error: ERRORS.clientIdShape });

/** POST /send. `message` is accepted for `content`; a `sender`/`username` field is ignored. */
export const SendBody = z
  .strictObject({
    recipient: z
      .string({ error: ERRORS.unknownRecipient })
      .min(1, ERRORS.unknownRecipient)
      .max(200),
    content: z.unknown().optional(),
    message: z.unknown().optional(),
    client_id: ClientId.optional(),
    sender: z.unknown().optional(),
    username: z.unknown().optional(),
  })
  .transform((body, ctx) => {
    const parsed = Content.safeParse(body.content ?? body.message);
    if (!parsed.success) {
      ctx.addIssue({
        code: 'custom',
        message: parsed.error.issues[0]?.message ?? ERRORS.messageEmpty,
      });
      return z.NEVER;
    }
    return { recipient: body.recipient, content: parsed.data, client_id: body.client_id };
  });
export type SendBody = z.infer<typeof SendBody>;

/** Socket `send_message`. As on `/send`, a `sender`/`username` field is ignored. */
export const SendMessagePayload = z
  .strictObject({
    content: Content,
    room: RoomRef.optional(),
    client_id: ClientId.optional(),
    sender: z.unknown().optional(),
    username: z.unknown().optional(),
  })
  .transform(({ content, room, client_id }) => ({ content, room, client_id }));
export type SendMessagePayload = z.infer<typeof SendMessagePayload>;
