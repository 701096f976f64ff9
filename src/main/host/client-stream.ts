/**
 * One client's state stream (a window, a WebSocket): coalesces deltas and sends at most one
 * batch per frame (`frameMs`, default 1000/60 ms). When the client cannot keep up (the transport says
 * it is backpressured, or more than `maxPending` distinct deltas wait), pending deltas are
 * dropped and the client gets a fresh snapshot instead — the same path as a reload.
 */
import type { Delta, StateMessage } from '../../shared/ipc/state-stream';
import { DeltaBuffer } from '../../shared/ipc/state-stream';
import type { Snapshot } from '../../shared/ipc/views';

export interface Scheduler {
  now(): number;
  schedule(delayMs: number, fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  schedule: (ms, fn) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export interface ClientStreamOptions {
  readonly send: (msg: StateMessage) => void;
  readonly snapshot: () => Snapshot;
  readonly scheduler?: Scheduler;
  readonly frameMs?: number;
  readonly maxPending?: number;
  /** True while the transport's own buffer is full (e.g. ws.bufferedAmount high): hold batches. */
  readonly isBackpressured?: () => boolean;
  /** Delta kinds this client does not show (a chart window has no order book or tape): never sent. */
  readonly skip?: ReadonlySet<Delta['t']>;
}

export class ClientStream {
  private readonly buffer = new DeltaBuffer();
  private seq = 0;
  private cancel: (() => void) | null = null;
  private lastFlush = -Infinity;
  private closed = false;
  private readonly scheduler: Scheduler;
  private readonly frameMs: number;
  private readonly maxPending: number;
  /** Counters for tests and the bench. */
  readonly stats = { batches: 0, snapshots: 0, deltasIn: 0, deltasOut: 0 };

  constructor(private readonly opts: ClientStreamOptions) {
    this.scheduler = opts.scheduler ?? realScheduler;
    this.frameMs = opts.frameMs ?? 1000 / 60; // ≤ 60 batches/s, one per display frame
    this.maxPending = opts.maxPending ?? 5000;
  }

  /** Sends a fresh snapshot now (first connect, reload, resync request, falling behind). */
  sendSnapshot(): void {
    if (this.closed) return;
    this.buffer.clear();
    this.cancel?.();
    this.cancel = null;
    this.seq++;
    this.stats.snapshots++;
    this.opts.send({ kind: 'snapshot', seq: this.seq, snapshot: this.opts.snapshot() });
  }

  push(delta: Delta): void {
    if (this.closed || this.opts.skip?.has(delta.t)) return;
    this.stats.deltasIn++;
    this.buffer.push(delta);
    if (this.buffer.size > this.maxPending) {
      this.sendSnapshot();
      return;
    }
    if (this.cancel === null) {
      // Timers have millisecond resolution: round up so batches never come closer than a frame.
      const delay = Math.ceil(Math.max(0, this.lastFlush + this.frameMs - this.scheduler.now()));
      this.cancel = this.scheduler.schedule(delay, () => this.flush());
    }
  }

  get pending(): number {
    return this.buffer.size;
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
    this.cancel = null;
    this.buffer.clear();
  }

  private flush(): void {
    this.cancel = null;
    if (this.closed || this.buffer.size === 0) return;
    if (this.opts.isBackpressured?.()) {
      this.cancel = this.scheduler.schedule(this.frameMs, () => this.flush());
      return;
    }
    const deltas = this.buffer.drain();
    this.lastFlush = this.scheduler.now();
    this.seq++;
    this.stats.batches++;
    this.stats.deltasOut += deltas.length;
    this.opts.send({ kind: 'batch', seq: this.seq, deltas });
  }
}
