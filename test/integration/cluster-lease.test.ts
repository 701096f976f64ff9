/**
 * The execution lease over a real redis-server, the holder reaching it through the fault TCP
 * proxy: a holder cut off from Redis (alive, its renewals queued) lapses on its own clock before
 * Redis's key expires, so a second node can never hold the lease while the first still trades;
 * the second waits, takes over with the next fencing token; a holder whose key was taken (its
 * renewal answered 0) is told at once.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireLease } from '../../src/main/cluster/lease';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';
import { startTcpProxy } from '../support/tcp-proxy';
import type { TcpProxy } from '../support/tcp-proxy';
import { until } from '../support/until';

let server: RedisServer;
let proxy: TcpProxy;
const conns: Redis[] = [];
function conn(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null });
  r.on('error', () => undefined);
  conns.push(r);
  return r;
}
beforeAll(async () => {
  server = await startRedisServer();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
});
afterAll(async () => {
  for (const c of conns) c.disconnect();
  await proxy.close();
  await server.close();
});

describe('execution lease (SET NX PX, fencing token, lapse on the holder’s clock)', () => {
  it('a holder cut off from Redis lapses before its key expires; the waiting node then takes over with the next token', async () => {
    const ttlMs = 2_000;
    const first = conn(proxy.url);
    const second = conn(server.url);
    const lostAt: number[] = [];
    const a = await acquireLease(first, { prefix: 'lt1', account: 'BINANCE', ttlMs, onWait: () => undefined, onLost: () => lostAt.push(Date.now()) });
    expect(a.held()).toBe(true);
    await new Promise((r) => setTimeout(r, ttlMs)); // renewals keep it past one ttl
    expect(a.held()).toBe(true);
    let waited = '';
    const b = acquireLease(second, { prefix: 'lt1', account: 'BINANCE', ttlMs, onWait: (h) => (waited = h), onLost: () => undefined });
    // Cut: the first node stays alive but nothing it sends reaches Redis.
    proxy.refuseFor(60_000);
    proxy.reset();
    await until(() => lostAt.length > 0, 10_000, 'the first holder lapsing');
    expect(a.held()).toBe(false);
    // Redis still holds the first node's key when it stopped: no one else could have the lease yet.
    const pttl = await second.pttl('lt1:lease:BINANCE');
    expect(pttl).toBeGreaterThan(0);
    const lease2 = await b;
    const acquiredAt = Date.now();
    expect(waited).not.toBe('');
    expect(lease2.fence).toBe(a.fence + 1);
    expect(lostAt[0]).toBeLessThan(acquiredAt - 100);
    expect(lostAt).toHaveLength(1);
    proxy.refuseFor(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.held()).toBe(false); // a lapsed lease never comes back
    expect(lease2.held()).toBe(true);
    await lease2.release();
    expect(await second.exists('lt1:lease:BINANCE')).toBe(0);
  }, 30_000);

  it('a holder whose key was taken over is told at its next renewal', async () => {
    const r = conn(server.url);
    let lost = 0;
    const a = await acquireLease(r, { prefix: 'lt2', account: 'X', ttlMs: 1_000, onWait: () => undefined, onLost: () => lost++ });
    await r.set('lt2:lease:X', 'someone-else', 'PX', 5_000);
    await until(() => lost === 1, 5_000, 'onLost');
    expect(a.held()).toBe(false);
    await a.release();
    expect(await r.get('lt2:lease:X')).toBe('someone-else'); // release never deletes another holder's key
  }, 15_000);
});
