#!/usr/bin/env node
// The `chatroom` command: runs the TypeScript terminal client through tsx's ESM loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.tsx');
