/**
 * A cluster node of a run session (`libra run --config` with a `cluster` block): its Redis
 * connections, heartbeat, and per role what it runs —
 *   execution: the lease on the venue accounts (waits for it), then the intents bridge;
 *   strategy:  one RemoteExecutionClient per venue instead of the venue's own execution client.
 *   data:      the venues' data clients run here, and their bus's market data goes to `<prefix>:md`;
 *   no data:   the venues' market data comes from `<prefix>:md` onto this node's bus instead.
 */
import { Redis } from 'ioredis';
import type { Cache } from '../engine/cache/cache';
import type { ExecutionEngine } from '../engine/execution/execution-engine';
import type { ClusterConfig, ClusterRole } from './cluster-config';
import { ExecutionBridge } from './execution-bridge';
import { startHeartbeat } from './heartbeat';
import { acquireLease } from './lease';
import type { Lease } from './lease';
import { MarketDataPublisher, MarketDataSubscriber } from './market-data';
import type { MessageBus } from '../engine/bus/message-bus';
import { RemoteExecutionClient } from './remote-execution-client';
import { GroupReader } from './group-reader';
import { startTrimmer } from './trim';
import { clusterKeys } from './cluster-config';
import type { Position } from '../../shared/domain/position';
import { riskTopic } from '../engine/bus/topics';
import { shownUrl } from './status';
import type { Balance } from '../../shared/domain/position';
import { followBalances, publishBalances } from './balances';

export const LEASE_TTL_MS = 10_000;
/** How often the execution node trims the streams to what their groups still need. */
export const TRIM_MS = 5_000;

function connect(url: string, print: (l: string) => void): Redis {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null, connectionName: 'libra' });
  r.on('error', (e: Error) => print(`CLUSTER redis: ${e.message}`));
  return r;
}

export class ClusterNode {
  private readonly cmd: Redis;
  private readonly readers: Redis[] = [];
  private heartbeat: { stop(): Promise<void> } | undefined;
  private lease: Lease | undefined;
  private bridge: ExecutionBridge | undefined;
  private readonly remotes: RemoteExecutionClient[] = [];
  private state = 'starting';
  private mdOut: MarketDataPublisher | undefined;
  private mdIn: MarketDataSubscriber | undefined;
  private readonly mdVenues = new Set<string>();
  private risk: GroupReader | undefined;
  private trimmer: { stop(): void } | undefined;
  private balanceFeed: { stop(): void } | undefined;
  private balanceSource: (() => readonly Balance[]) | undefined;
  /** The execution node's balances, newest snapshot (not the execution role). */
  balances: readonly Balance[] = [];
  /** The execution node's positions of this node's strategies (`strategy|instrument` → position). */
  readonly positions = new Map<string, Position>();

  constructor(
    readonly config: ClusterConfig,
    private readonly print: (line: string) => void,
  ) {
    this.cmd = connect(config.redis, print);
  }

  has(role: ClusterRole): boolean {
    return this.config.roles.includes(role);
  }

  /** Connects and starts beating. */
  async start(): Promise<void> {
    await this.cmd.connect();
    this.heartbeat = startHeartbeat(this.cmd, { prefix: this.config.prefix, node: this.config.node, roles: this.config.roles, state: () => this.state, stats: () => this.stats(), warn: this.print });
    this.print(`CLUSTER node ${this.config.node} (${this.config.roles.join(', ')}) on ${shownUrl(this.config.redis)} prefix ${this.config.prefix}`);
  }

  private stats(): Record<string, string> {
    const out: Record<string, string> = {};
    if (this.mdOut) Object.assign(out, { mdSent: String(this.mdOut.sent), mdDropped: String(this.mdOut.dropped) });
    if (this.mdIn) Object.assign(out, { mdReceived: String(this.mdIn.received), mdGaps: String(this.mdIn.gaps), mdLagMs: String(this.mdIn.lagMs) });
    return out;
  }

  /** Data role: relays the bus's market data (`data.**`) to `<prefix>:md`. */
  publishMarketData(bus: MessageBus): void {
    if (!this.has('data')) throw new Error('publishMarketData needs the data role');
    this.mdOut ??= new MarketDataPublisher({ redis: this.cmd, prefix: this.config.prefix, node: this.config.node, warn: this.print });
    this.mdOut.attach(bus);
  }

  /** No data role: the venue's market data client is `<prefix>:md` → this node's bus. */
  marketData(venue: string, bus: MessageBus): { start(): void; stop(): Promise<void> } {
    this.mdVenues.add(venue);
    if (!this.mdIn) {
      const reader = connect(this.config.redis, this.print);
      this.readers.push(reader);
      this.mdIn = new MarketDataSubscriber({ redis: reader, prefix: this.config.prefix, venues: this.mdVenues, deliver: (e) => bus.publish(e.topic, e.payload), warn: this.print });
    }
    const sub = this.mdIn;
    return {
      start: () => {
        sub.start().then(
          () => this.print(`CLUSTER market data for ${venue} from ${this.config.prefix}:md`),
          (e: unknown) => this.print(`CLUSTER market data for ${venue} not started: ${e instanceof Error ? e.message : String(e)}`),
        );
      },
      stop: () => sub.stop(),
    };
  }

  /**
   * Not the execution role: the execution node's risk events onto this node's bus (printed, shown
   * in the windows), through a consumer group of this node's own, so each node gets every event once
   * (a node that was down reads what it missed).
   */
  async followRisk(bus: MessageBus): Promise<void> {
    const reader = connect(this.config.redis, this.print);
    this.readers.push(reader);
    const seen = new Set<string>();
    this.risk = new GroupReader({
      redis: reader,
      stream: clusterKeys(this.config.prefix).risk,
      group: `node.${this.config.node}`,
      from: '$', // a node new to the cluster starts from now; one that was down reads what it missed
      consumer: this.config.node,
      claimIdleMs: this.config.claimIdleMs,
      warn: this.print,
      handle: (m) => {
        if (m.kind !== 'risk.event' || seen.has(m.id)) return;
        seen.add(m.id);
        bus.publish(riskTopic(m.body.kind), { ...m.body, message: `${m.node}: ${m.body.message}` });
      },
    });
    await this.risk.start();
    this.balanceFeed = followBalances(reader, {
      prefix: this.config.prefix,
      warn: this.print,
      onChange: (b, from) => {
        this.balances = b;
        this.print(`CLUSTER balances from ${from}: ${b.map((x) => `${x.account ? `${x.account}:` : ''}${x.currency}=${(x.totalRaw / 10 ** x.precision).toFixed(x.precision)}`).join(' ')}`);
      },
    });
  }

  /** Execution role: waits for the lease on every account this node writes to. */
  async acquireExecutionLease(accounts: readonly string[], onLost: () => void): Promise<void> {
    this.state = 'waiting-lease';
    const account = [...accounts].sort().join('+');
    this.lease = await acquireLease(this.cmd, {
      prefix: this.config.prefix,
      account,
      ttlMs: LEASE_TTL_MS,
      onWait: () => this.print(`CLUSTER lease ${account} held by another execution node: waiting`),
      onLost: () => {
        this.state = 'lease-lost';
        this.print(`CLUSTER lease ${account} lost: trading halted`);
        this.bridge?.fence();
        this.balanceFeed?.stop(); // another node's snapshot is the truth now
        onLost();
      },
    });
    this.print(`CLUSTER lease ${account} acquired (fence ${this.lease.fence})`);
  }

  /** Execution role, before the venues attach: remote orders' events are forwarded from the start. */
  attachExecution(execution: ExecutionEngine, cache: Cache, bus: MessageBus, balances?: () => readonly Balance[]): void {
    this.balanceSource = balances;
    const reader = connect(this.config.redis, this.print);
    this.readers.push(reader);
    this.bridge = new ExecutionBridge({ redis: this.cmd, reader, node: this.config.node, prefix: this.config.prefix, claimIdleMs: this.config.claimIdleMs, execution, cache, bus, now: () => Date.now(), print: this.print, mayTrade: () => this.lease?.held() ?? true });
    this.bridge.listen();
  }

  /** Execution role, once the venues reconciled: reads order intents. */
  async startExecutionBridge(): Promise<void> {
    if (!this.bridge) throw new Error('attachExecution must be called before startExecutionBridge');
    await this.bridge.start();
    this.trimmer = startTrimmer(this.cmd, { prefix: this.config.prefix, everyMs: TRIM_MS, lostGroupRetentionMs: this.config.lostGroupRetentionMs, warn: this.print });
    if (this.balanceSource) this.balanceFeed = publishBalances(this.cmd, { prefix: this.config.prefix, node: this.config.node, balances: this.balanceSource, warn: this.print });
    this.print(`CLUSTER execution: reading order intents from ${this.config.prefix}:intents`);
  }

  remoteExecution(venue: string): RemoteExecutionClient {
    const reader = connect(this.config.redis, this.print);
    this.readers.push(reader);
    const c = new RemoteExecutionClient({
      venue,
      redis: this.cmd,
      reader,
      node: this.config.node,
      prefix: this.config.prefix,
      claimIdleMs: this.config.claimIdleMs,
      now: () => Date.now(),
      warn: this.print,
      onPosition: (p) => {
        this.positions.set(`${p.strategyId}|${p.instrumentId}`, p);
        this.print(`CLUSTER position ${p.strategyId} ${p.instrumentId} net=${p.netRaw} (execution node)`);
      },
    });
    this.remotes.push(c);
    return c;
  }

  ready(): void {
    this.state = 'running';
  }

  async stop(): Promise<void> {
    this.state = 'stopping';
    this.mdOut?.stop();
    await this.mdIn?.stop();
    this.trimmer?.stop();
    this.balanceFeed?.stop();
    await this.bridge?.stop();
    await this.risk?.stop();
    await Promise.allSettled(this.remotes.map((r) => r.stop()));
    await this.lease?.release();
    await this.heartbeat?.stop();
    for (const r of this.readers) r.disconnect();
    await this.cmd.quit().catch(() => undefined);
  }
}
