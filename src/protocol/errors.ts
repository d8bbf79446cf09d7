/**
 * The error catalogue: every user-facing error message, in one place.
 * Clients match some of these exactly (PROTOCOL.md, "Envelope").
 */
export const ERRORS = {
  noData: 'No data provided',
  credentialsRequired: 'Username and password are required',
  usernameShape: 'Username must be 1-20 characters: letters, digits, _ . -',
  passwordShape: 'Password must be 8-128 characters',
  usernameTaken: 'Username already exists',
  badCredentials: 'Invalid username or password',
  authRequired: 'Authentication required',
  sessionInvalid: 'Invalid or expired session',
  messageEmpty: 'Message cannot be empty',
  messageTooLong: 'Message is too long',
  notMember: 'You must join the chat first',
  notFound: 'Not found',
  rateLimited: 'Too many requests, slow down',
  unknownRecipient: 'Unknown recipient',
  roomNotFound: 'Room not found',
  roomNameShape: 'Room name must be 1-30 characters: a-z, 0-9, _ -',
  groupNameShape: 'Group name must be 1-30 characters',
  participantsRequired: 'Choose at least one other participant',
  tooManyParticipants: 'Too many participants (at most 50)',
  cannotMessageSelf: 'You cannot start a direct message with yourself',
  clientIdShape: 'client_id must be 1-100 characters',
  bodyTooLarge: 'Request body is too large',
  forbiddenOrigin: 'Cross-origin request refused',
  serverError: 'Internal server error',
  unavailable: 'Server is shutting down, try again',
} as const;

export type ErrorMessage = (typeof ERRORS)[keyof typeof ERRORS];

export function unknownUserMessage(username: string): string {
  return `Unknown user: ${username}`;
}

export function unknownEventMessage(event: unknown): string {
  return `Unknown event: ${String(event).slice(0, 50)}`;
}

export function unknownFieldMessage(keys: readonly string[]): string {
  return keys.length === 1 ? `Unknown field: ${keys[0]}` : `Unknown fields: ${keys.join(', ')}`;
}

export function invalidFieldMessage(field: string, expected: string): string {
  return `Invalid ${field}: expected ${expected}`;
}

export function fieldTooLongMessage(field: string, max: number): string {
  return `${field} is too long (at most ${max})`;
}
