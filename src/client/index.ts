export * from './chat-client.js';
export * from './chat-state.js';
export * from './client-id.js';
export * from './http-api.js';
export * from './outbox-store.js';
