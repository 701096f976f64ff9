/**
 * BacktestRuns: starts backtests in `node:worker_threads` workers (never on the caller's thread:
 * Electron's main must not block), keeps each run's status, throttled progress and result, and
 * cancels a run by terminating its worker. Old finished runs are forgotten past `keep`.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerMessage } from './protocol';
import type { BacktestJob, JobOutput, JobProgress } from './run-job';

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface RunRecord {
  readonly id: string;
  readonly job: BacktestJob;
  readonly label: string;
  status: RunStatus;
  progress: JobProgress | null;
  readonly startedAt: number;
  finishedAt: number | null;
  error: string | null;
  output: JobOutput | null;
  /** Packed bars (see BAR_STRIDE), for the chart window; null for trade data or huge files. */
  bars: Float64Array | null;
}

export class RunLimitError extends Error {
  override readonly name = 'RunLimitError';
}

export interface BacktestRunsOptions {
  readonly maxConcurrent?: number;
  /** Finished runs kept (with their results), newest first. */
  readonly keep?: number;
  /** Progress is relayed at most this often per run (ms). */
  readonly progressIntervalMs?: number;
  readonly now?: () => number;
  /** Starts the worker for a job (tests may swap it). */
  readonly spawn?: (job: BacktestJob) => Worker;
}

export const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export class BacktestRuns {
  private readonly runs = new Map<string, RunRecord>();
  private readonly workers = new Map<string, Worker>();
  private readonly listeners = new Set<(r: RunRecord) => void>();
  private readonly lastRelay = new Map<string, number>();
  private seq = 0;

  constructor(private readonly opts: BacktestRunsOptions = {}) {}

  get running(): number {
    return this.workers.size;
  }

  start(job: BacktestJob, label: string): RunRecord {
    const max = this.opts.maxConcurrent ?? 4;
    if (this.workers.size >= max) throw new RunLimitError(`${this.workers.size} backtests are already running (at most ${max}): wait for one or cancel it`);
    const now = this.now();
    const id = `BT-${++this.seq}`;
    const run: RunRecord = { id, job, label, status: 'running', progress: null, startedAt: now, finishedAt: null, error: null, output: null, bars: null };
    this.runs.set(id, run);
    const worker = this.opts.spawn ? this.opts.spawn(job) : new Worker(WORKER_ENTRY, { workerData: job });
    this.workers.set(id, worker);
    worker.on('message', (m: WorkerMessage) => this.onMessage(run, m));
    worker.on('error', (e) => this.finish(run, 'failed', e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => {
      if (run.status === 'running') this.finish(run, 'failed', `the backtest worker stopped unexpectedly (exit code ${code})`);
    });
    this.prune();
    return run;
  }

  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Newest first. */
  list(): RunRecord[] {
    return [...this.runs.values()].reverse();
  }

  cancel(id: string): RunRecord | undefined {
    const run = this.runs.get(id);
    if (!run) return undefined;
    if (run.status === 'running') this.finish(run, 'cancelled', null);
    return run;
  }

  /** Status changes and (throttled) progress. */
  onDidChange(listener: (r: RunRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const run of this.runs.values()) if (run.status === 'running') this.finish(run, 'cancelled', null);
    this.listeners.clear();
  }

  private onMessage(run: RunRecord, m: WorkerMessage): void {
    if (run.status !== 'running') return;
    switch (m.t) {
      case 'progress': {
        run.progress = { done: m.done, total: m.total, simTime: m.simTime };
        const now = this.now();
        const last = this.lastRelay.get(run.id) ?? -Infinity;
        if (now - last >= (this.opts.progressIntervalMs ?? 100)) {
          this.lastRelay.set(run.id, now);
          this.emit(run);
        }
        return;
      }
      case 'result':
        run.output = m.output;
        run.bars = m.bars;
        run.progress = { done: run.progress?.total ?? m.output.events, total: run.progress?.total ?? m.output.events, simTime: m.output.stats.endTime };
        this.finish(run, 'done', null);
        return;
      case 'error':
        this.finish(run, 'failed', m.message);
        return;
    }
  }

  private finish(run: RunRecord, status: RunStatus, error: string | null): void {
    if (run.status !== 'running') return;
    run.status = status;
    run.error = error;
    run.finishedAt = this.now();
    const worker = this.workers.get(run.id);
    this.workers.delete(run.id);
    this.lastRelay.delete(run.id);
    if (worker) void worker.terminate();
    this.emit(run);
  }

  private prune(): void {
    const keep = this.opts.keep ?? 10;
    const finished = [...this.runs.values()].filter((r) => r.status !== 'running');
    for (const r of finished.slice(0, Math.max(0, finished.length - keep))) this.runs.delete(r.id);
  }

  private emit(run: RunRecord): void {
    for (const l of this.listeners) l(run);
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }
}
