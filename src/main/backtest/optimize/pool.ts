/**
 * SweepPool: K worker threads that each hold the series (shared memory, never copied) and the
 * strategy, and evaluate parameter sets handed out in batches to whichever worker is free — a
 * batch is a slice of what is queued (at most MAX_BATCH, smaller as the queue drains, so a slow
 * set never holds up the others for long), which saves a round trip per set. Results come back as promises; `close` ends the
 * threads. A strategy error in one set fails that set's promise only.
 */
import { Worker } from 'node:worker_threads';
import type { SetResult } from './evaluate';
import type { ParamSet } from './grid';
import type * as DevWorkerBundle from './dev-worker-bundle';
import type { FromWorker, SweepTask, SweepWorkerData, ToWorker } from './protocol';

/** Sets per message at most; a batch is also at most a quarter of each worker's share of the queue. */
export const MAX_BATCH = 16;

/**
 * Young generation of each worker: a set allocates its engine's events and orders by the
 * thousand and drops them when it ends; a larger nursery scavenges less often (~7 % fewer
 * CPU-seconds per set measured with a 32 MB semi-space) for at most this much more memory.
 */
const YOUNG_GENERATION_MB = 96;

export const SWEEP_WORKER_ENTRY = new URL('./sweep-worker-entry.mjs', import.meta.url);

/**
 * The worker's entry: run from the TypeScript sources (this module's URL ends in .ts), one
 * bundle of the worker built and cached by dev-worker-bundle.ts, so no worker transforms the
 * engine through tsx; if that cannot be built, the tsx entry. The built CLI: its own bundle.
 */
async function workerEntry(): Promise<URL> {
  if (!import.meta.url.endsWith('.ts')) return SWEEP_WORKER_ENTRY;
  try {
    // A computed URL: the CLI's bundler does not follow it (esbuild stays out of the bundle).
    const mod = (await import(new URL('./dev-worker-bundle.ts', import.meta.url).href)) as typeof DevWorkerBundle;
    return await mod.devSweepWorker();
  } catch {
    return SWEEP_WORKER_ENTRY;
  }
}

/** The parent's flags without `--import tsx` (the bundled worker needs no loader thread). */
function withoutTsx(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--import' && argv[i + 1] === 'tsx') i++;
    else if (argv[i] !== '--import=tsx') out.push(argv[i] as string);
  }
  return out;
}

/**
 * A worker on `entry`. The dev bundle gets the parent's flags without tsx — given explicitly,
 * Node refuses per-process ones (--expose-gc…) that it drops itself when inheriting, so then
 * none; the other entries inherit the parent's flags as they always did.
 */
function newWorker(entry: URL, data: SweepWorkerData): Worker {
  const base = { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } };
  if (entry === SWEEP_WORKER_ENTRY) return new Worker(entry, base);
  try {
    return new Worker(entry, { ...base, execArgv: withoutTsx(process.execArgv) });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    return new Worker(entry, { ...base, execArgv: [] });
  }
}

/** An error raised inside a worker, carrying the original error's name (ParamError…). */
export class SweepError extends Error {
  constructor(message: string, override readonly name: string) {
    super(message);
  }
}

interface Pending {
  readonly task: SweepTask;
  readonly resolve: (r: SetResult) => void;
  readonly reject: (e: Error) => void;
}

export class SweepPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Map<number, Pending>>();
  private readonly cacheStats = new Map<Worker, { shared: number; computed: number }>();
  private pumpQueued = false;
  private readonly queue: Pending[] = [];
  private readonly workers: Worker[] = [];
  private seq = 0;
  private failure: Error | null = null;

  private constructor() {}

  /** Starts `size` workers and waits until each has loaded the strategy and the series. */
  static async open(data: SweepWorkerData, size: number): Promise<SweepPool> {
    const pool = new SweepPool();
    const entry = await workerEntry();
    await Promise.all(Array.from({ length: Math.max(1, size) }, () => pool.spawn(data, entry)));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Indicator series the workers handed out from their caches (shared) and computed, so far. */
  get indicatorStats(): { readonly shared: number; readonly computed: number } {
    let shared = 0;
    let computed = 0;
    for (const s of this.cacheStats.values()) {
      shared += s.shared;
      computed += s.computed;
    }
    return { shared, computed };
  }

  run(params: ParamSet, from: number, to: number, detail = false): Promise<SetResult> {
    return new Promise<SetResult>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.queue.push({ task: { id: ++this.seq, params, from, to, detail }, resolve, reject });
      // Sets queued in one go (a sweep) are batched together: hand them out after this tick.
      if (!this.pumpQueued) {
        this.pumpQueued = true;
        queueMicrotask(() => {
          this.pumpQueued = false;
          this.pump();
        });
      }
    });
  }

  /** Fails every pending and queued set with `reason` and ends the threads. */
  async cancel(reason: Error): Promise<void> {
    this.fail(reason);
    await this.close();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }

  private spawn(data: SweepWorkerData, entry: URL): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w = newWorker(entry, data);
      this.workers.push(w);
      let ready = false;
      w.on('message', (m: FromWorker) => {
        switch (m.t) {
          case 'ready':
            ready = true;
            this.idle.push(w);
            resolve();
            this.pump();
            return;
          case 'fatal':
            reject(new SweepError(m.message, m.name));
            return;
          case 'done':
          case 'error': {
            if (m.cache) this.cacheStats.set(w, m.cache);
            const batch = this.busy.get(w);
            const p = batch?.get(m.id);
            batch?.delete(m.id);
            if (batch && batch.size === 0) {
              this.busy.delete(w);
              this.idle.push(w);
            }
            if (p) {
              if (m.t === 'done') p.resolve(m.result);
              else p.reject(new SweepError(m.message, m.name));
            }
            this.pump();
            return;
          }
        }
      });
      w.on('error', (e) => {
        if (!ready) reject(e);
        this.fail(e);
      });
      w.on('exit', (code) => {
        if (!ready) reject(new Error(`an optimizer worker stopped before it was ready (exit code ${code})`));
        else if (this.busy.has(w)) this.fail(new Error(`an optimizer worker stopped unexpectedly (exit code ${code})`));
      });
    });
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const batch of this.busy.values()) for (const p of batch.values()) p.reject(e);
    this.busy.clear();
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop() as Worker;
      const size = Math.max(1, Math.min(MAX_BATCH, Math.floor(this.queue.length / (this.workers.length * 4))));
      const taken = this.queue.splice(0, size);
      this.busy.set(w, new Map(taken.map((p) => [p.task.id, p])));
      const msg: ToWorker = { t: 'run', tasks: taken.map((p) => p.task) };
      w.postMessage(msg);
    }
  }
}
