/**
 * The execution node's side of the intents stream: each intent goes through this node's
 * ExecutionEngine (its risk gate is the global one, its journal and venue are the truth) with
 * the client order id the strategy node decided. An id the engine already knows (cache, restored
 * from the journal after a restart) is never placed again: the intent is acked and the order's
 * current state is sent back. Order events and fills of a remote order go to the events stream
 * of the node named in its client order id (`<node>.<…>`), and so do the positions of that node's
 * strategies; this node's risk events (its gate is the global one) go to `<prefix>:risk`, read by
 * every other node through a consumer group of its own.
 */
import type { Redis } from 'ioredis';
import type { Fill, Order, OrderIntent } from '../../shared/domain/order';
import type { Position } from '../../shared/domain/position';
import type { MessageBus } from '../engine/bus/message-bus';
import { Topics } from '../engine/bus/topics';
import type { Cache } from '../engine/cache/cache';
import type { ExecutionEngine } from '../engine/execution/execution-engine';
import { clusterKeys, originNode } from './cluster-config';
import { GroupReader } from './group-reader';
import { encode, reportOf } from './messages';
import type { ClusterMessage, OrderBody } from './messages';

export interface ExecutionBridgeOptions {
  readonly redis: Redis;
  readonly reader: Redis;
  readonly node: string;
  readonly prefix: string;
  readonly claimIdleMs: number;
  readonly execution: ExecutionEngine;
  readonly cache: Cache;
  readonly bus: MessageBus;
  readonly now: () => number;
  readonly print: (line: string) => void;
  /** False once this node's lease lapsed: an intent is then left unacked for the new holder. */
  readonly mayTrade?: () => boolean;
}

export class ExecutionBridge {
  private readonly keys;
  private readonly intents: GroupReader;
  private off: (() => void) | undefined;
  private offBus: (() => void)[] = [];
  /** Strategy id → the node that runs it (learnt from its orders' client order ids). */
  private readonly strategyNode = new Map<string, string>();
  private riskSeq = 0;
  /** Event sends in flight, in order: a report is written before the intent that caused it is acked. */
  private pending: Promise<unknown> = Promise.resolve();
  /** XADDs queued this turn, sent together (`send`). */
  private readonly outbox: { stream: string; text: string; what: string }[] = [];

  constructor(private readonly o: ExecutionBridgeOptions) {
    this.keys = clusterKeys(o.prefix);
    this.intents = new GroupReader({ redis: o.reader, stream: this.keys.intents, group: 'execution', consumer: o.node, claimIdleMs: o.claimIdleMs, warn: o.print, handle: (m) => this.onIntent(m) });
  }

  /**
   * Forwards remote orders' events from now on: called before the venues attach, so what their
   * reconciliation finds after a restart (a fill made while this node was down) reaches the
   * strategy node too.
   */
  listen(): void {
    this.off ??= this.o.execution.onOrderEvent((order, fill) => this.forward(order, fill));
    if (this.offBus.length === 0) {
      this.offBus.push(
        this.o.bus.subscribe(Topics.allRiskEvents, (e) => {
          const m: ClusterMessage = { v: 1, id: `${this.o.node}:risk:${e.ts}:${++this.riskSeq}`, kind: 'risk.event', node: this.o.node, ts: this.o.now(), body: { kind: e.kind, ts: e.ts, state: e.state, message: e.message } };
          this.send(this.keys.risk, m, `risk event ${m.id}`);
        }),
        this.o.bus.subscribe<Position>('events.position.*', (p) => this.forwardPosition(p)),
      );
    }
  }

  private forwardPosition(p: Position): void {
    const node = this.strategyNode.get(p.strategyId);
    if (node === undefined || node === this.o.node) return;
    const m: ClusterMessage = { v: 1, id: `pos:${p.strategyId}:${p.instrumentId}:${p.updatedAt}:${p.netRaw}`, kind: 'position', node: this.o.node, ts: this.o.now(), body: { ...p } };
    this.send(this.keys.events(node), m, `position ${m.id}`);
  }

  /**
   * Queues one XADD; what is queued in one turn goes out as one pipeline on the one connection,
   * after the pipelines before it (Redis runs them in order, so order is kept per stream and
   * across them without waiting for each answer: a report used to wait for the one before it,
   * a round trip and a socket write each).
   */
  private send(stream: string, m: ClusterMessage, what: string): void {
    this.outbox.push({ stream, text: encode(m), what });
    if (this.outbox.length > 1) return;
    const before = this.pending;
    this.pending = new Promise<void>((resolve) => {
      queueMicrotask(() => {
        const batch = this.outbox.splice(0);
        const p = this.o.redis.pipeline();
        for (const x of batch) p.xadd(x.stream, '*', 'm', x.text);
        const notSent = (x: { what: string }, e: unknown): void => this.o.print(`CLUSTER ${x.what} not sent: ${e instanceof Error ? e.message : String(e)}`);
        const sent = p.exec().then(
          (r) => (r ?? []).forEach(([err], i) => (err && batch[i] ? notSent(batch[i], err) : undefined)),
          (e: unknown) => batch.forEach((x) => notSent(x, e)),
        );
        // Answered in order: done once this one and the ones before it are.
        void Promise.all([before, sent]).then(() => resolve());
      });
    });
  }

  /** Reads intents (after the venues reconciled: a known id must be known by then). */
  async start(): Promise<void> {
    this.listen();
    await this.intents.start();
  }

  async stop(): Promise<void> {
    await this.intents.stop();
    this.off?.();
    for (const off of this.offBus.splice(0)) off();
    await this.pending.catch(() => undefined);
  }

  private forward(order: Order, fill?: Fill): void {
    const node = originNode(order.clientOrderId);
    if (node === undefined || node === this.o.node) return;
    this.strategyNode.set(order.strategyId, node);
    const r = reportOf(order, fill, this.o.now());
    if (!r) return;
    const m: ClusterMessage = { v: 1, id: r.id, kind: 'order.report', node: this.o.node, ts: this.o.now(), body: { report: r.report } };
    this.send(this.keys.events(node), m, `report ${r.id}`);
  }

  /** The lease is gone: no more intents are read here (what this node read and did not ack is claimed by the next holder). */
  fence(): void {
    void this.intents.stop();
  }

  private async onIntent(m: ClusterMessage): Promise<void> {
    // Fencing: a node whose lease lapsed (cut off from Redis, say) never handles an intent; left
    // unacked, it is claimed by the node that holds the lease now, after its reconciliation.
    if (this.o.mayTrade && !this.o.mayTrade()) throw new Error(`intent ${m.id} left for the lease holder: this node's lease lapsed`);
    if (m.kind === 'order.cancel') {
      const id = m.body.clientOrderId;
      const known = this.o.cache.order(id);
      if (originNode(id) !== m.node) {
        this.o.print(`CLUSTER cancel ${id} from ${m.node} refused: not its order`);
        return;
      }
      if (!known) {
        this.send(this.keys.events(m.node), { v: 1, id: `${id}:cancel-rejected:${m.id}`, kind: 'order.report', node: this.o.node, ts: this.o.now(), body: { report: { kind: 'CANCEL_REJECTED', clientOrderId: id, reason: `unknown order ${id} at the execution node`, ts: this.o.now() } } }, `cancel answer ${id}`);
      } else if (known.status !== 'PENDING_CANCEL' && !this.o.execution.cancel(id).ok) {
        // Already closed here (filled, cancelled…): its state goes back, so the order does not hang in PENDING_CANCEL there.
        this.forward(known);
      }
      await this.pending;
      return;
    }
    if (m.kind !== 'order.submit') return;
    const b = m.body;
    const known = this.o.cache.order(b.clientOrderId);
    if (known) {
      this.o.print(`CLUSTER intent ${b.clientOrderId} from ${m.node} already known (${known.status}): not placed again`);
      this.forward(known);
    } else if (originNode(b.clientOrderId) !== m.node) {
      this.o.print(`CLUSTER intent ${b.clientOrderId} from ${m.node} refused: its client order id must start with "${m.node}."`);
    } else {
      this.o.print(`CLUSTER intent ${b.clientOrderId} from ${m.node}`);
      this.strategyNode.set(b.strategyId, m.node);
      const r = this.o.execution.submit(b.strategyId, intentOf(b), b.clientOrderId);
      if (!r.ok) this.o.print(`CLUSTER intent ${b.clientOrderId} from ${m.node} not placed: ${r.message}`);
    }
    await this.pending;
  }
}

function intentOf(b: OrderBody): OrderIntent {
  return {
    instrumentId: b.instrumentId,
    side: b.side,
    type: b.type,
    quantityRaw: b.quantityRaw,
    ...(b.quoteQuantityRaw !== undefined ? { quoteQuantityRaw: b.quoteQuantityRaw } : {}),
    ...(b.priceRaw !== undefined ? { priceRaw: b.priceRaw } : {}),
    ...(b.triggerPriceRaw !== undefined ? { triggerPriceRaw: b.triggerPriceRaw } : {}),
    timeInForce: b.timeInForce,
    ...(b.expireTime !== undefined ? { expireTime: b.expireTime } : {}),
    postOnly: b.postOnly,
    reduceOnly: b.reduceOnly,
    ...(b.tags ? { tags: b.tags } : {}),
  };
}
