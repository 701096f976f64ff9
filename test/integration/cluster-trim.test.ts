/**
 * Stream trimming over a real redis-server: a stream is cut only below what every consumer group
 * still needs (not yet delivered, or delivered and not acked), never without a group; a dead
 * consumer's pending entries survive the trim and are claimed and handled by a live one.
 */
import { describe, expect, it } from 'vitest';
import { GroupReader } from '../../src/main/cluster/group-reader';
import { encode } from '../../src/main/cluster/messages';
import type { ClusterMessage } from '../../src/main/cluster/messages';
import { compareIds, safeTrimPoint, trimStream } from '../../src/main/cluster/trim';
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
