/**
 * An at-least-once reader of one Redis Stream through a consumer group: on start it reads this
 * consumer's own pending entries (what it read but did not ack before a crash), then claims
 * entries idle longer than `claimIdleMs` on other consumers of the group (XAUTOCLAIM: a dead
 * predecessor's), then blocks on new ones. Entries are acked (one XACK per batch read, in one
 * pipeline with the next read: one socket write and no round trip of its own) only after `handle`
 * returned for each, so a kill in between redelivers them; handlers deduplicate by the message id.
 */
import type { Redis } from 'ioredis';
import { decode, MessageError } from './messages';
import type { ClusterMessage } from './messages';

export interface GroupReaderOptions {
  readonly redis: Redis;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly claimIdleMs: number;
  readonly handle: (m: ClusterMessage) => Promise<void> | void;
  readonly warn: (line: string) => void;
  /** Where a group created now starts: '0' (default: entries written before it existed are read too) or '$' (from now). */
  readonly from?: '0' | '$';
}

/** Fields null: an entry this consumer had pending that was trimmed meanwhile (its group's node was lost past the retention). */
type Entries = [id: string, fields: string[] | null][];

export async function ensureGroup(redis: Redis, stream: string, group: string, from: '0' | '$' = '0'): Promise<void> {
  try {
    // By default from the start of the stream: entries written before the group existed are read too.
    await redis.xgroup('CREATE', stream, group, from, 'MKSTREAM');
  } catch (e) {
    if (!(e instanceof Error && e.message.startsWith('BUSYGROUP'))) throw e;
  }
}

export class GroupReader {
  private running = false;
  private loop: Promise<void> | undefined;
  /** The last batch's XACK. */
  private acked: Promise<void> = Promise.resolve();

  constructor(private readonly o: GroupReaderOptions) {}

  async start(): Promise<void> {
    const { redis, stream, group } = this.o;
    await ensureGroup(redis, stream, group, this.o.from ?? '0');
    // A consumer of the group from now on, not only once it got an entry (Redis 7.0 adds one on
    // its first delivery): the trimmer counts a group with a live consumer as held.
    await redis.xgroup('CREATECONSUMER', stream, group, this.o.consumer);
    this.running = true;
    await this.drainOwnPending();
    await this.claimIdle();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop?.catch(() => undefined);
    await this.acked;
  }

  /** Handles a batch and sends its XACK (not waited for: the next command goes out behind it on the same connection). */
  private async processAndAck(entries: Entries): Promise<void> {
    this.ack(await this.process(entries));
  }

  private ack(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.acked = this.o.redis.xack(this.o.stream, this.o.group, ...ids).then(
      () => undefined,
      (e: unknown) => this.ackFailed(e),
    );
  }

  private ackFailed(e: unknown): void {
    this.o.warn(`CLUSTER ${this.o.stream} ack failed (redelivered later): ${e instanceof Error ? e.message : String(e)}`);
  }

  /** Handles a batch; returns the ids to ack (every entry handled, refused or trimmed). */
  private async process(entries: Entries): Promise<string[]> {
    const ids: string[] = [];
    let trimmed = 0;
    for (const [id, fields] of entries) {
      if (fields === null) {
        // Gone from the stream: nothing to handle; acked so it leaves this consumer's pending list.
        trimmed++;
        ids.push(id);
        continue;
      }
      const text = fields[fields.indexOf('m') + 1];
      try {
        if (text === undefined) throw new MessageError('cluster entry has no "m" field');
        await this.o.handle(decode(text));
      } catch (e) {
        if (!(e instanceof MessageError)) {
          // Not acked: this entry and the rest are redelivered after a restart. What was handled is acked.
          if (ids.length > 0) await this.o.redis.xack(this.o.stream, this.o.group, ...ids);
          throw e;
        }
        this.o.warn(`CLUSTER ${this.o.stream} entry ${id} dropped: ${e.message}`);
      }
      ids.push(id);
    }
    if (trimmed > 0) this.o.warn(`CLUSTER ${this.o.stream}: ${trimmed} entries this node had read but not handled were trimmed while it was away (a lost node's group holds trimming for cluster.lostGroupRetentionMs only)`);
    // One XACK per batch, after every entry in it was handled: a kill before it redelivers the
    // batch, and handlers deduplicate by message id. An ack lost with the connection only means a
    // redelivery.
    return ids;
  }

  private async drainOwnPending(): Promise<void> {
    const { redis, stream, group, consumer } = this.o;
    let from = '0';
    for (;;) {
      const r = (await redis.xreadgroup('GROUP', group, consumer, 'COUNT', 100, 'STREAMS', stream, from)) as [string, Entries][] | null;
      const entries = r?.[0]?.[1] ?? [];
      if (entries.length === 0) return;
      await this.processAndAck(entries);
      from = entries.at(-1)?.[0] ?? from;
    }
  }

  private async claimIdle(): Promise<void> {
    const { redis, stream, group, consumer, claimIdleMs } = this.o;
    let cursor = '0-0';
    do {
      const r = (await redis.xautoclaim(stream, group, consumer, claimIdleMs, cursor, 'COUNT', 100)) as [string, Entries, string[]?];
      cursor = r[0];
      await this.processAndAck(r[1].filter((e) => e !== null && Array.isArray(e[1])));
    } while (cursor !== '0-0' && this.running);
  }

  private async run(): Promise<void> {
    const { redis, stream, group, consumer } = this.o;
    let lastClaim = Date.now();
    let toAck: string[] = [];
    while (this.running) {
      try {
        // The last batch's XACK and the next read in one pipeline (Redis runs them in order).
        const p = redis.pipeline();
        const acking = toAck;
        toAck = [];
        if (acking.length > 0) p.xack(stream, group, ...acking);
        p.xreadgroup('GROUP', group, consumer, 'COUNT', 100, 'BLOCK', 500, 'STREAMS', stream, '>');
        const replies = (await p.exec()) ?? [];
        const ackErr = acking.length > 0 ? replies[0]?.[0] : null;
        if (ackErr) this.ackFailed(ackErr);
        const [readErr, r] = replies.at(-1) ?? [new Error('no reply to XREADGROUP'), null];
        if (readErr) throw readErr;
        toAck = await this.process((r as [string, Entries][] | null)?.[0]?.[1] ?? []);
        if (Date.now() - lastClaim > this.o.claimIdleMs) {
          this.ack(toAck.splice(0));
          lastClaim = Date.now();
          await this.claimIdle();
        }
      } catch (e) {
        if (!this.running) break;
        this.o.warn(`CLUSTER ${stream} read failed: ${e instanceof Error ? e.message : String(e)}; retrying`);
        await new Promise((res) => setTimeout(res, 500));
      }
    }
    // Handled, not yet acked: acked now, so a stopped reader leaves nothing of its own pending.
    this.ack(toAck);
  }
}
