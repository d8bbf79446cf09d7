// The meter's worker thread starts here: the tsx CLI does not pass its TypeScript loader on to
// worker threads, so this plain module loads the worker's source through tsx's API.
import { tsImport } from 'tsx/esm/api';

await tsImport('./meter-worker.ts', import.meta.url);
