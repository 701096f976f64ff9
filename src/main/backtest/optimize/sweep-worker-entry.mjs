// Entry of the optimizer's worker threads: the sources are TypeScript (and users' strategies may
// be too), so register tsx in this thread before loading the worker module.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
