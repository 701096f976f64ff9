/**
 * SweepPool: K worker threads that each hold the series (shared memory, never copied) and the
 * strategy, and evaluate parameter sets handed out one at a time to whichever worker is free
 * (so a slow set never holds up the others). Results come back as promises; `close` ends the
 * threads. A strategy error in one set fails that set's promise only.
 */
import { Worker } from 'node:worker_threads';
import type { SetResult } from './evaluate';
import type { ParamSet } from './grid';
import type { FromWorker, SweepTask, SweepWorkerData, ToWorker } from './protocol';

export const SWEEP_WORKER_ENTRY = new URL('./sweep-worker-entry.mjs', import.meta.url);

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
  private readonly busy = new Map<Worker, Pending>();
  private readonly queue: Pending[] = [];
  private readonly workers: Worker[] = [];
  private seq = 0;
  private failure: Error | null = null;

  private constructor() {}

  /** Starts `size` workers and waits until each has loaded the strategy and the series. */
  static async open(data: SweepWorkerData, size: number): Promise<SweepPool> {
    const pool = new SweepPool();
    await Promise.all(Array.from({ length: Math.max(1, size) }, () => pool.spawn(data)));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  run(params: ParamSet, from: number, to: number, detail = false): Promise<SetResult> {
    return new Promise<SetResult>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.queue.push({ task: { id: ++this.seq, params, from, to, detail }, resolve, reject });
      this.pump();
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

  private spawn(data: SweepWorkerData): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const w = new Worker(SWEEP_WORKER_ENTRY, { workerData: data });
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
            const p = this.busy.get(w);
            this.busy.delete(w);
            this.idle.push(w);
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
    for (const p of this.busy.values()) p.reject(e);
    this.busy.clear();
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop() as Worker;
      const p = this.queue.shift() as Pending;
      this.busy.set(w, p);
      const msg: ToWorker = { t: 'run', task: p.task };
      w.postMessage(msg);
    }
  }
}
