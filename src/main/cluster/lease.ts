/**
 * One writer per venue account: the execution node holds `<prefix>:lease:<account>` (SET NX PX
 * with a random token) and renews it with a compare-and-pexpire script, so only the holder can
 * extend it. Each acquisition INCRs a fencing counter; a second execution node waits and takes
 * over once the lease lapses. A holder that fails to renew before the ttl is told (`onLost`): it
 * must stop trading.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface Lease {
  readonly fence: number;
  release(): Promise<void>;
}

export async function acquireLease(redis: Redis, o: { prefix: string; account: string; ttlMs: number; onWait: (holder: string) => void; onLost: () => void }): Promise<Lease> {
  const key = `${o.prefix}:lease:${o.account}`;
  const token = randomUUID();
  let waited = false;
  for (;;) {
    if ((await redis.set(key, token, 'PX', o.ttlMs, 'NX')) === 'OK') break;
    if (!waited) o.onWait((await redis.get(key)) ?? '?');
    waited = true;
    await new Promise((r) => setTimeout(r, Math.max(100, o.ttlMs / 5)));
  }
  const fence = await redis.incr(`${key}:fence`);
  const timer = setInterval(() => {
    redis
      .eval(RENEW, 1, key, token, String(o.ttlMs))
      .then((ok) => {
        if (ok !== 1) lost();
      })
      .catch(() => undefined); // a renewal that cannot reach Redis is retried; the ttl decides
  }, Math.max(50, Math.floor(o.ttlMs / 3)));
  timer.unref();
  let gone = false;
  const lost = (): void => {
    if (gone) return;
    gone = true;
    clearInterval(timer);
    o.onLost();
  };
  return {
    fence,
    release: async () => {
      gone = true;
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
