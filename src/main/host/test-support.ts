/** Test helpers for the host: a paper replay through the kernel on manual time. */
import { Kernel } from '../kernel';
import type { PaperReplaySession } from '../kernel';
import type { Scheduler } from './client-stream';

/** Manual time: `advance(ms)` runs what is due, in order. */
export class ManualScheduler implements Scheduler {
  private t = 0;
  private tasks: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;
  now(): number {
    return this.t;
  }
  schedule(delayMs: number, fn: () => void): () => void {
    const task = { at: this.t + delayMs, fn, seq: this.seq++ };
    this.tasks.push(task);
    return () => {
      this.tasks = this.tasks.filter((x) => x !== task);
    };
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.tasks[0];
      if (!next || next.at > end) break;
      this.tasks.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

export async function paperSession(maxOrderNotional = 50_000): Promise<PaperReplaySession> {
  const kernel = new Kernel({ dataDir: '/nonexistent', risk: { defaults: { maxOrderNotional }, referencePrice: 'last', maxOpenOrders: 100 } });
  return kernel.startPaperReplay({ time: { now: () => 0, schedule: () => () => undefined }, speed: 1 });
}
