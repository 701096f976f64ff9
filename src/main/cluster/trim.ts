/**
 * Trimming that never drops what a consumer group has not read: a stream is cut (XTRIM MINID) at
 * the oldest entry any of its groups still needs — the first entry not yet delivered to it (after
 * its last-delivered id) or, if older, its oldest pending entry (delivered, not acked: a dead
 * consumer's, claimed later by a live one). A stream without a group is never trimmed (its reader
 * may not have come yet). Market data is not trimmed here: its stream is bounded (MAXLEN ~).
 *
 * A group of a node that is gone must not hold trimming forever. With a `LostGroupPolicy` (the
 * execution node's trimmer has one), a group none of whose consumers is a live node (heartbeat
 * key expired: lost, or stopped) holds back only entries younger than `retentionMs` (by the
 * entry id's time on Redis's clock): what it had not read or acked before that goes, with a
 * warning. A group with at least one live consumer holds fully — a dead consumer's pending
 * entries there are XAUTOCLAIMed by that live peer (GroupReader, after `claimIdleMs`) and so are
 * handled before they can go. A group whose owner cannot be told (no consumer yet, a name that
 * names no node) holds fully.
 */
import type { Redis } from 'ioredis';
import { clusterKeys } from './cluster-config';

/** Orders two stream ids (`<ms>-<seq>`). */
export function compareIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = BigInt(am) - BigInt(bm);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const e = BigInt(as) - BigInt(bs);
  return e === 0n ? 0 : e < 0n ? -1 : 1;
}

function fieldsOf(row: unknown): Map<string, unknown> {
  const m = new Map<string, unknown>();
  if (!Array.isArray(row)) return m;
  for (let i = 0; i + 1 < row.length; i += 2) m.set(String(row[i]), row[i + 1]);
  return m;
}

/** A group that no longer holds trimming past the retention: what the warning says. */
export interface LostGroup {
  readonly stream: string;
  readonly group: string;
  /** The nodes of its consumers (none live). */
  readonly nodes: readonly string[];
  /** Since its consumers last read (Redis's idle time of the most recent one), ms; undefined without a consumer. */
  readonly idleMs: number | undefined;
  readonly pending: number;
  /** Entries not delivered to it yet (Redis 7 `lag`; undefined when Redis cannot tell). */
  readonly lag: number | undefined;
  /** Entries older than this id may be trimmed although the group did not read or ack them. */
  readonly cutoff: string;
}

export interface LostGroupPolicy {
  readonly retentionMs: number;
  /** Whether a node beats (its heartbeat key exists). */
  readonly isLive: (node: string) => Promise<boolean>;
  /** Redis's clock, ms (stream ids carry its time). */
  readonly now: () => Promise<number>;
  /** Called for each group of a lost node whose need was cut to the retention. */
  readonly onLost: (g: LostGroup) => void;
}

/** The nodes a group belongs to: its consumers (each reader's consumer is its node's name), else what its name says. */
async function ownersOf(redis: Redis, stream: string, group: string, prefix: string | undefined): Promise<{ nodes: string[]; idleMs: number | undefined }> {
  const rows = (await redis.xinfo('CONSUMERS', stream, group)) as unknown[];
  if (Array.isArray(rows) && rows.length > 0) {
    const cs = rows.map(fieldsOf);
    return { nodes: cs.map((c) => String(c.get('name'))), idleMs: Math.min(...cs.map((c) => Number(c.get('idle') ?? Infinity))) };
  }
  if (group.startsWith('node.')) return { nodes: [group.slice(5)], idleMs: undefined };
  const events = prefix !== undefined ? `${prefix}:events:` : undefined;
  if (events && stream.startsWith(events) && group === 'strategy') return { nodes: [stream.slice(events.length)], idleMs: undefined };
  return { nodes: [], idleMs: undefined };
}

/**
 * The oldest id any group of `stream` still needs; undefined: trim nothing (no stream, no group).
 * With `lost`, a group of nodes that are all gone needs nothing older than its retention.
 */
export async function safeTrimPoint(redis: Redis, stream: string, lost?: LostGroupPolicy & { readonly prefix?: string }): Promise<string | undefined> {
  let groups: unknown;
  try {
    groups = await redis.xinfo('GROUPS', stream);
  } catch (e) {
    if (e instanceof Error && /no such key/i.test(e.message)) return undefined;
    throw e;
  }
  if (!Array.isArray(groups) || groups.length === 0) return undefined;
  let point: string | undefined;
  for (const row of groups) {
    const g = fieldsOf(row);
    const name = String(g.get('name'));
    // Entries up to last-delivered were delivered; keeping that one entry too is harmless.
    let need = String(g.get('last-delivered-id') ?? '0-0');
    if (Number(g.get('pending') ?? 0) > 0) {
      const summary = (await redis.xpending(stream, name)) as [number, string | null, string | null, unknown];
      const oldest = summary[1];
      if (oldest && compareIds(oldest, need) < 0) need = oldest;
    }
    if (lost) need = await capLostGroup(redis, stream, name, g, need, lost);
    if (point === undefined || compareIds(need, point) < 0) point = need;
  }
  return point === '0-0' ? undefined : point;
}

/** `need`, or the retention's cutoff when that is newer and no consumer of the group is a live node. */
async function capLostGroup(redis: Redis, stream: string, group: string, g: Map<string, unknown>, need: string, lost: LostGroupPolicy & { readonly prefix?: string }): Promise<string> {
  const cutoff = `${Math.max(0, Math.floor((await lost.now()) - lost.retentionMs))}-0`;
  if (compareIds(need, cutoff) >= 0) return need; // nothing it holds is older than the retention
  const owners = await ownersOf(redis, stream, group, lost.prefix);
  if (owners.nodes.length === 0) return need;
  for (const n of owners.nodes) if (await lost.isLive(n)) return need; // a live peer claims what a dead one left
  const lag = g.get('lag');
  lost.onLost({ stream, group, nodes: owners.nodes, idleMs: owners.idleMs, pending: Number(g.get('pending') ?? 0), lag: lag === null || lag === undefined ? undefined : Number(lag), cutoff });
  return cutoff;
}

/** Trims `stream` to what its groups still need; returns how many entries went. */
export async function trimStream(redis: Redis, stream: string, lost?: LostGroupPolicy & { readonly prefix?: string }): Promise<number> {
  const point = await safeTrimPoint(redis, stream, lost);
  if (point === undefined) return 0;
  return Number(await redis.xtrim(stream, 'MINID', point));
}

function duration(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** The warning for a lost node's group that no longer holds trimming (names, counts and times only). */
export function lostGroupWarning(g: LostGroup, retentionMs: number): string {
  const idle = g.idleMs !== undefined && Number.isFinite(g.idleMs) ? `, last read ${duration(g.idleMs)} ago` : '';
  const lag = g.lag !== undefined ? `${g.lag} unread and ` : '';
  return `CLUSTER trim: group "${g.group}" of ${g.stream} belongs to ${g.nodes.join(', ')} (no heartbeat: lost${idle}); it holds trimming for ${duration(retentionMs)} (cluster.lostGroupRetentionMs) only: of its ${lag}${g.pending} pending entries, those older than that may be trimmed`;
}

/**
 * The execution node's trimmer: intents, risk events and every node's events stream, every
 * `everyMs`; a lost node's group holds back only `lostGroupRetentionMs` (warned once while it stays lost).
 */
export function startTrimmer(redis: Redis, o: { prefix: string; everyMs: number; lostGroupRetentionMs: number; warn: (l: string) => void }): { stop(): void; runOnce(): Promise<number> } {
  const keys = clusterKeys(o.prefix);
  const warned = new Set<string>();
  const runOnce = async (): Promise<number> => {
    const nodes = await redis.smembers(keys.nodes);
    const live = new Map<string, boolean>();
    const lostNow = new Set<string>();
    let clock: number | undefined;
    const policy = {
      prefix: o.prefix,
      retentionMs: o.lostGroupRetentionMs,
      isLive: async (node: string): Promise<boolean> => {
        let v = live.get(node);
        if (v === undefined) live.set(node, (v = (await redis.exists(keys.node(node))) === 1));
        return v;
      },
      now: async (): Promise<number> => {
        if (clock === undefined) {
          const [s, us] = await redis.time();
          clock = Number(s) * 1_000 + Math.floor(Number(us) / 1_000);
        }
        return clock;
      },
      onLost: (g: LostGroup): void => {
        const key = `${g.stream}|${g.group}`;
        lostNow.add(key);
        if (!warned.has(key)) o.warn(lostGroupWarning(g, o.lostGroupRetentionMs));
        warned.add(key);
      },
    };
    let n = 0;
    for (const s of [keys.intents, keys.risk, ...nodes.map((x) => keys.events(x))]) n += await trimStream(redis, s, policy);
    // Warned again if it is lost again after it held (came back, or had nothing old to hold).
    for (const k of [...warned]) if (!lostNow.has(k)) warned.delete(k);
    return n;
  };
  const timer = setInterval(() => runOnce().catch((e: unknown) => o.warn(`CLUSTER trim failed: ${e instanceof Error ? e.message : String(e)}`)), o.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer), runOnce };
}
