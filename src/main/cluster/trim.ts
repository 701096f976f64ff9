/**
 * Trimming that never drops what a consumer group has not read: a stream is cut (XTRIM MINID) at
 * the oldest entry any of its groups still needs — the first entry not yet delivered to it (after
 * its last-delivered id) or, if older, its oldest pending entry (delivered, not acked: a dead
 * consumer's, claimed later by a live one). A stream without a group is never trimmed (its reader
 * may not have come yet). Market data is not trimmed here: its stream is bounded (MAXLEN ~).
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

/** The oldest id any group of `stream` still needs; undefined: trim nothing (no stream, no group). */
export async function safeTrimPoint(redis: Redis, stream: string): Promise<string | undefined> {
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
    if (point === undefined || compareIds(need, point) < 0) point = need;
  }
  return point === '0-0' ? undefined : point;
}

/** Trims `stream` to what its groups still need; returns how many entries went. */
export async function trimStream(redis: Redis, stream: string): Promise<number> {
  const point = await safeTrimPoint(redis, stream);
  if (point === undefined) return 0;
  return Number(await redis.xtrim(stream, 'MINID', point));
}

/** The execution node's trimmer: intents, risk events and every node's events stream, every `everyMs`. */
export function startTrimmer(redis: Redis, o: { prefix: string; everyMs: number; warn: (l: string) => void }): { stop(): void; runOnce(): Promise<number> } {
  const keys = clusterKeys(o.prefix);
  const runOnce = async (): Promise<number> => {
    const nodes = await redis.smembers(keys.nodes);
    let n = 0;
    for (const s of [keys.intents, keys.risk, ...nodes.map((x) => keys.events(x))]) n += await trimStream(redis, s);
    return n;
  };
  const timer = setInterval(() => runOnce().catch((e: unknown) => o.warn(`CLUSTER trim failed: ${e instanceof Error ? e.message : String(e)}`)), o.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer), runOnce };
}
