/**
 * The ExecutionClient of a strategy node: `submit` is an order intent XADDed to the cluster's
 * intents stream (the client order id was decided here, by this node's ExecutionEngine, and is
 * the venue's); reports come back on this node's events stream and reach the engine once (ids
 * deduplicated here, fills again by trade id in the engine).
 *
 * On connect, every restored open order's intent is sent again: the execution node acks an id it
 * already knows and answers with the order's state, so an intent lost in a crash between the
 * journal and Redis is placed exactly once, and a lost report is recovered.
 */
import type { Redis } from 'ioredis';
import type { Fill, Order } from '../../shared/domain/order';
import type { Position } from '../../shared/domain/position';
import type { ExecutionClient, ExecutionReportSink } from '../engine/execution/execution-client';
import { clusterKeys } from './cluster-config';
import { GroupReader } from './group-reader';
import { encode, orderBodyOf } from './messages';
import type { ClusterMessage } from './messages';

export interface RemoteExecutionOptions {
  readonly venue: string;
  readonly redis: Redis;
  /** A second connection for the blocking reads. */
  readonly reader: Redis;
  readonly node: string;
  readonly prefix: string;
  readonly claimIdleMs: number;
  readonly now: () => number;
  readonly warn: (line: string) => void;
  /** The execution node's position of one of this node's strategies. */
  readonly onPosition?: (p: Position) => void;
}

export class RemoteExecutionClient implements ExecutionClient {
  readonly venue: string;
  /**
   * The venues behind an execution node amend by cancel-replace: this node's engine cancels, and
   * once the cancel is confirmed sends the replacement as a new intent with a client order id
   * decided here (so it routes back here, and is placed once like any intent).
   */
  readonly amendsInPlace = false;
  private sink: ExecutionReportSink | undefined;
  private readonly seen = new Set<string>();
  private seq = 0;
  private readonly keys;
  private readonly events: GroupReader;

  constructor(private readonly o: RemoteExecutionOptions) {
    this.venue = o.venue;
    this.keys = clusterKeys(o.prefix);
    this.events = new GroupReader({
      redis: o.reader,
      stream: this.keys.events(o.node),
      group: 'strategy',
      consumer: o.node,
      claimIdleMs: o.claimIdleMs,
      warn: o.warn,
      handle: (m) => this.onMessage(m),
    });
  }

  connect(sink: ExecutionReportSink): void {
    this.sink = sink;
  }

  /**
   * Starts reading reports and re-sends the intents of restored open orders. A fill the journal
   * already holds is known here first: one redelivered after a kill (handled, not yet acked) is
   * not counted twice.
   */
  async start(restoredOpen: readonly Order[], restoredFills: readonly Fill[] = []): Promise<void> {
    for (const f of restoredFills) this.seen.add(`${f.clientOrderId}:fill:${f.tradeId}`);
    await this.events.start();
    for (const o of restoredOpen) await this.send(o);
  }

  async stop(): Promise<void> {
    await this.events.stop();
  }

  submit(order: Order): void {
    this.send(order).catch((e: unknown) => {
      // The intent may or may not be in Redis: UNKNOWN, resolved by re-sending on the next start.
      this.sink?.({ kind: 'REPLY_LOST', clientOrderId: order.clientOrderId, reason: `intent not confirmed by Redis: ${e instanceof Error ? e.message : String(e)}`, ts: this.o.now() });
    });
  }

  cancel(order: Order): void {
    const m: ClusterMessage = { v: 1, id: `${this.o.node}:c:${order.clientOrderId}:${++this.seq}`, kind: 'order.cancel', node: this.o.node, ts: this.o.now(), body: { clientOrderId: order.clientOrderId } };
    this.o.redis.xadd(this.keys.intents, '*', 'm', encode(m)).catch((e: unknown) => {
      this.sink?.({ kind: 'CANCEL_REJECTED', clientOrderId: order.clientOrderId, reason: `cancel not sent: ${e instanceof Error ? e.message : String(e)}`, ts: this.o.now() });
    });
  }

  /** Not called (amendsInPlace = false: the engine amends by cancel-replace through submit/cancel). */
  modify(order: Order): void {
    this.sink?.({ kind: 'UPDATE_REJECTED', clientOrderId: order.clientOrderId, reason: 'amend in place is not carried between cluster nodes (cancel-replace is)', ts: this.o.now() });
  }

  private async send(order: Order): Promise<void> {
    const m: ClusterMessage = { v: 1, id: order.clientOrderId, kind: 'order.submit', node: this.o.node, ts: this.o.now(), body: orderBodyOf(order) };
    await this.o.redis.xadd(this.keys.intents, '*', 'm', encode(m));
  }

  private onMessage(m: ClusterMessage): void {
    if (m.kind === 'position') {
      this.o.onPosition?.(m.body);
      return;
    }
    if (m.kind !== 'order.report') return;
    if (this.seen.has(m.id)) return;
    this.seen.add(m.id);
    this.sink?.(m.body.report);
  }
}
