// Entry of the backtest worker thread: the sources are TypeScript (and users' strategies may be
// too), so register tsx in this thread before loading the worker module.
import { register } from 'tsx/esm/api';

register();
await import('./backtest-worker.ts');
