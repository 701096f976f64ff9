/**
 * The order journal: an append-only JSON-lines file under the data dir, fsync'd on every
 * record, so a process killed at any instant restarts knowing
 *   - every client order id it ever issued (run numbers make new ids unique: `<prefix><run>-<n>`),
 *   - the last known state of each order — written BEFORE the request leaves the process (the
 *     execution engine reports SUBMITTED to its listeners before it calls the venue client),
 *   - every fill it applied (so a restart neither loses nor double-applies one).
 *
 * A torn last line (kill during write) is ignored: the record was not acknowledged to anyone.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Fill, Order } from '../../../shared/domain/order';

type JournalRecord =
  | { readonly t: 'run'; readonly n: number; readonly ts: number }
  | { readonly t: 'order'; readonly o: Order }
  | { readonly t: 'fill'; readonly f: Fill };

export interface JournalState {
  /** This run's number (1 for a fresh journal). */
  readonly run: number;
  /** Last snapshot of every order, by client order id, in first-seen order. */
  readonly orders: ReadonlyMap<string, Order>;
  /** Every fill applied, in order. */
  readonly fills: readonly Fill[];
  /** Time of the newest fill (0 when none). */
  readonly lastFillTs: number;
}

export class OrderJournal {
  private fd: number;

  private constructor(
    readonly path: string,
    readonly state: JournalState,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * The run number `open(path)` will start, without opening anything: callers that build the
   * engine (whose client order id prefix carries the run) before attaching the venue use it.
   */
  static peekRun(path: string): number {
    return replay(path).run + 1;
  }

  /** Opens (or creates) the journal, replays it and starts a new run (fsync'd). */
  static open(path: string, now: number): OrderJournal {
    mkdirSync(dirname(path), { recursive: true });
    const { run, orders, fills, lastFillTs } = replay(path);
    const fd = openSync(path, 'a');
    const journal = new OrderJournal(path, { run: run + 1, orders, fills, lastFillTs }, fd);
    journal.append({ t: 'run', n: run + 1, ts: now });
    // Make the directory entry durable too on first creation (Linux needs the dir fsync'd).
    try {
      const dfd = openSync(dirname(path), 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // Not supported on every platform (Windows); the file fsync is what matters most.
    }
    return journal;
  }

  recordOrder(order: Order): void {
    this.append({ t: 'order', o: order });
  }

  recordFill(fill: Fill): void {
    this.append({ t: 'fill', f: fill });
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private append(rec: JournalRecord): void {
    if (this.fd < 0) throw new Error(`order journal ${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(rec)}\n`);
    fsyncSync(this.fd);
  }
}

function replay(path: string): { run: number; orders: Map<string, Order>; fills: Fill[]; lastFillTs: number } {
  let run = 0;
  const orders = new Map<string, Order>();
  const fills: Fill[] = [];
  let lastFillTs = 0;
  if (!existsSync(path)) return { run, orders, fills, lastFillTs };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let rec: JournalRecord;
    try {
      rec = JSON.parse(line) as JournalRecord;
    } catch {
      continue; // torn tail
    }
    if (rec.t === 'run') run = Math.max(run, rec.n);
    else if (rec.t === 'order') orders.set(rec.o.clientOrderId, rec.o);
    else if (rec.t === 'fill') {
      fills.push(rec.f);
      lastFillTs = Math.max(lastFillTs, rec.f.ts);
    }
  }
  return { run, orders, fills, lastFillTs };
}
