/**
 * Stream trimming over a real redis-server: a stream is cut only below what every consumer group
 * still needs (not yet delivered, or delivered and not acked), never without a group; a dead
 * consumer's pending entries survive the trim and are claimed and handled by a live one; a group
 * of a lost node holds trimming only for `lostGroupRetentionMs`.
 */
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { GroupReader } from '../../src/main/cluster/group-reader';
import { encode } from '../../src/main/cluster/messages';
import type { ClusterMessage } from '../../src/main/cluster/messages';
import { compareIds, safeTrimPoint, startTrimmer, trimStream } from '../../src/main/cluster/trim';
import { redisForSuite } from '../support/redis-suite';
import { until } from '../support/until';

const { conn } = redisForSuite();

const msg = (i: number): string => {
  const m: ClusterMessage = { v: 1, id: `c${i}`, kind: 'order.cancel', node: 's1', ts: i, body: { clientOrderId: `s1.L1-${i}` } };
  return encode(m);
};

describe('stream trimming (XTRIM MINID at what the groups still need)', () => {
  it('orders stream ids numerically', () => {
    expect(compareIds('10-0', '9-5')).toBe(1);
    expect(compareIds('5-10', '5-9')).toBe(1);
    expect(compareIds('5-1', '5-1')).toBe(0);
    expect(compareIds('1700000000000-0', '1700000000001-0')).toBe(-1);
  });

  it('never trims a stream without a group, keeps what a slow group has not read and what a group has pending', async () => {
    const r = conn();
    const s = 'tr1:intents';
    const ids: string[] = [];
    for (let i = 1; i <= 20; i++) ids.push(String(await r.xadd(s, '*', 'm', msg(i))));
    expect(await trimStream(r, s)).toBe(0); // no group: its reader may not have come yet
    expect(await r.xlen(s)).toBe(20);

    await r.xgroup('CREATE', s, 'fast', '0');
    await r.xgroup('CREATE', s, 'slow', '0');
    await r.xreadgroup('GROUP', 'fast', 'f', 'COUNT', 20, 'STREAMS', s, '>');
    await r.xack(s, 'fast', ...ids);
    await r.xreadgroup('GROUP', 'slow', 'z', 'COUNT', 8, 'STREAMS', s, '>'); // entries 1-8 delivered to slow
    await r.xack(s, 'slow', ...ids.slice(0, 3)); // 4-8 still pending there
    expect(await safeTrimPoint(r, s)).toBe(ids[3]);
    expect(await trimStream(r, s)).toBe(3);
    const left = (await r.xrange(s, '-', '+')) as [string, string[]][];
    expect(left.map(([id]) => id)).toEqual(ids.slice(3));

    await r.xack(s, 'slow', ...ids.slice(3, 8)); // slow acked 1-8, has read nothing after 8
    expect(await trimStream(r, s)).toBe(4); // keeps 8 (its last delivered) and everything after
    expect(((await r.xrange(s, '-', '+')) as [string, string[]][]).map(([id]) => id)).toEqual(ids.slice(7));
  });

  it('keeps a dead consumer’s pending entries through a trim; a live consumer claims and handles each once', async () => {
    const r = conn();
    const s = 'tr2:intents';
    for (let i = 1; i <= 10; i++) await r.xadd(s, '*', 'm', msg(i));
    await r.xgroup('CREATE', s, 'execution', '0');
    // x1 reads all ten and dies before acking.
    await r.xreadgroup('GROUP', 'execution', 'x1', 'COUNT', 10, 'STREAMS', s, '>');
    for (let i = 11; i <= 15; i++) await r.xadd(s, '*', 'm', msg(i));
    expect(await trimStream(r, s)).toBe(0);
    expect(await r.xlen(s)).toBe(15);

    const handled: string[] = [];
    const reader = new GroupReader({ redis: conn(), stream: s, group: 'execution', consumer: 'x2', claimIdleMs: 50, warn: () => undefined, handle: (m) => void handled.push(m.id) });
    await new Promise((res) => setTimeout(res, 100)); // x1's entries idle past claimIdleMs
    await reader.start();
    await until(() => handled.length === 15, 10_000, 'all 15 handled');
    await reader.stop();
    expect([...handled].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))).toEqual(Array.from({ length: 15 }, (_, i) => `c${i + 1}`));
    expect(await trimStream(r, s)).toBe(14); // everything acked: only the last delivered is kept
    expect(await r.xlen(s)).toBe(1);
  });
});

/** Entries with ids of 1970 (ms 1000+): older than any retention. */
async function ancient(r: Redis, s: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(String(await r.xadd(s, `${1000 + i}-0`, 'm', msg(i + 1))));
  return ids;
}
async function fresh(r: Redis, s: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(String(await r.xadd(s, '*', 'm', msg(100 + i))));
  return ids;
}
const beat = (r: Redis, prefix: string, node: string): Promise<unknown> => r.multi().sadd(`${prefix}:nodes`, node).hset(`${prefix}:node:${node}`, { state: 'running', beat: String(Date.now()) }).pexpire(`${prefix}:node:${node}`, 60_000).exec();
const streamIds = async (r: Redis, s: string): Promise<string[]> => ((await r.xrange(s, '-', '+')) as [string, string[]][]).map(([id]) => id);

describe('a lost node’s consumer group (cluster.lostGroupRetentionMs)', () => {
  it('no longer holds trimming past the retention once none of its consumers beats; a live node’s lagging group still does; warned once', async () => {
    const r = conn();
    const p = 'tl';
    await r.sadd(`${p}:nodes`, 's2'); // s2 joined once; its heartbeat key has expired: lost
    await beat(r, p, 's3'); // s3 beats
    const e2 = `${p}:events:s2`;
    const e3 = `${p}:events:s3`;
    for (const [s, node] of [[e2, 's2'], [e3, 's3']] as const) {
      await ancient(r, s, 10);
      await r.xgroup('CREATE', s, 'strategy', '0');
      await r.xreadgroup('GROUP', 'strategy', node, 'COUNT', 3, 'STREAMS', s, '>'); // 3 pending, 7 unread
    }
    const kept2 = await fresh(r, e2, 5);
    await fresh(r, e3, 5);
    // Risk events: s2's group was made and never read (no consumer: its name says whose it is); s3 read and acked all.
    const risk = await ancient(r, `${p}:risk`, 10);
    await r.xgroup('CREATE', `${p}:risk`, 'node.s2', '0');
    await r.xgroup('CREATE', `${p}:risk`, 'node.s3', '0');
    await r.xreadgroup('GROUP', 'node.s3', 's3', 'COUNT', 10, 'STREAMS', `${p}:risk`, '>');
    await r.xack(`${p}:risk`, 'node.s3', ...risk);

    const warnings: string[] = [];
    const trimmer = startTrimmer(r, { prefix: p, everyMs: 3_600_000, lostGroupRetentionMs: 60_000, warn: (l) => warnings.push(l) });
    expect(await trimmer.runOnce()).toBe(10 + 0 + 9);
    trimmer.stop();
    expect(await streamIds(r, e2)).toEqual(kept2); // what s2 missed within the retention is still there for it
    expect(await r.xlen(e3)).toBe(15); // s3 is live: everything it has not read or acked stays, however old
    expect(await streamIds(r, `${p}:risk`)).toEqual(risk.slice(9)); // s3's last delivered; s2's group holds nothing that old
    expect(warnings).toHaveLength(2);
    expect(warnings.join('\n')).toMatch(/group "strategy" of tl:events:s2 belongs to s2 \(no heartbeat: lost, last read [\d.]+ s ago\); it holds trimming for 1\.0 min \(cluster\.lostGroupRetentionMs\) only: of its 12 unread and 3 pending entries, those older than that may be trimmed$/m);
    expect(warnings.join('\n')).toMatch(/group "node\.s2" of tl:risk belongs to s2 \(no heartbeat: lost\)/);
    expect(await trimmer.runOnce()).toBe(0);
    expect(warnings).toHaveLength(2); // once while it stays lost

    // The same groups with a retention longer than the entries' age hold everything, lost or not.
    const again = `${p}:events:s9`;
    await ancient(r, again, 4);
    await r.xgroup('CREATE', again, 'strategy', '0');
    expect(await trimStream(r, again, { retentionMs: Date.now(), isLive: () => Promise.resolve(false), now: () => Promise.resolve(Date.now()), onLost: () => undefined, prefix: p })).toBe(0);
  });

  it('keeps a dead execution consumer’s pending intents while a live peer of the role is in the group, which claims and handles each once before they go', async () => {
    const r = conn();
    const p = 'tx';
    const s = `${p}:intents`;
    await r.sadd(`${p}:nodes`, 'x1'); // lost
    await beat(r, p, 'x2');
    const ids = await ancient(r, s, 6);
    await r.xgroup('CREATE', s, 'execution', '0');
    await r.xreadgroup('GROUP', 'execution', 'x1', 'COUNT', 6, 'STREAMS', s, '>'); // x1 died holding all six
    const handled: string[] = [];
    // x2 reads the group (a consumer of it as soon as it starts), not yet claiming what x1 left.
    const waiting = new GroupReader({ redis: conn(), stream: s, group: 'execution', consumer: 'x2', claimIdleMs: 3_600_000, warn: () => undefined, handle: (m) => void handled.push(m.id) });
    await waiting.start();
    const warnings: string[] = [];
    const trimmer = startTrimmer(r, { prefix: p, everyMs: 3_600_000, lostGroupRetentionMs: 1, warn: (l) => warnings.push(l) });
    expect(await trimmer.runOnce()).toBe(0);
    expect(warnings).toEqual([]);
    await waiting.stop();
    expect(handled).toEqual([]);

    const reader = new GroupReader({ redis: conn(), stream: s, group: 'execution', consumer: 'x2', claimIdleMs: 50, warn: () => undefined, handle: (m) => void handled.push(m.id) });
    await new Promise((res) => setTimeout(res, 100));
    await reader.start();
    await until(() => handled.length === 6, 10_000, 'x1’s six intents handled by x2');
    await reader.stop();
    expect(handled).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect(await trimmer.runOnce()).toBe(5); // all acked: down to the last delivered
    expect(await streamIds(r, s)).toEqual(ids.slice(5));
    trimmer.stop();
  });

  it('a node back after its pending entries were trimmed acks them with a warning and reads what is left, once', async () => {
    const r = conn();
    const p = 'tb';
    const s = `${p}:events:s4`;
    await r.sadd(`${p}:nodes`, 's4');
    await ancient(r, s, 6);
    await r.xgroup('CREATE', s, 'strategy', '0');
    await r.xreadgroup('GROUP', 'strategy', 's4', 'COUNT', 4, 'STREAMS', s, '>'); // 4 read, not handled: s4 was lost
    await fresh(r, s, 3);
    const trimmer = startTrimmer(r, { prefix: p, everyMs: 3_600_000, lostGroupRetentionMs: 60_000, warn: () => undefined });
    expect(await trimmer.runOnce()).toBe(6);
    trimmer.stop();

    const warnings: string[] = [];
    const handled: string[] = [];
    const reader = new GroupReader({ redis: conn(), stream: s, group: 'strategy', consumer: 's4', claimIdleMs: 60_000, warn: (l) => warnings.push(l), handle: (m) => void handled.push(m.id) });
    await reader.start();
    await until(() => handled.length === 3, 10_000, 'the three left handled');
    await reader.stop();
    expect(handled).toEqual(['c100', 'c101', 'c102']);
    expect(warnings).toEqual([expect.stringMatching(/^CLUSTER tb:events:s4: 4 entries this node had read but not handled were trimmed while it was away/)]);
    expect(((await r.xpending(s, 'strategy')) as [number])[0]).toBe(0);
  });
});
