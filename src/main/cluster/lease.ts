/**
 * One writer per venue account: the execution node holds `<prefix>:lease:<account>` (SET NX PX
 * with a random token) and renews it with a compare-and-pexpire script, so only the holder can
 * extend it. Each acquisition INCRs a fencing counter; a second execution node waits and takes
 * over once the lease lapses. A holder that fails to renew before the ttl is told (`onLost`): it
 * must stop trading. Fencing without Redis's help: the holder counts the lease valid only until
 * `ttl - margin` after the last renewal it SENT that Redis confirmed, so a node cut off from Redis
 * (alive, its commands queued or failing) halts on its own clock before Redis lets the lease go
 * to another node.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface Lease {
  readonly fence: number;
  /** False once the lease lapsed here (lost, or not renewed in time) or was released. */
  held(): boolean;
  release(): Promise<void>;
}

export async function acquireLease(redis: Redis, o: { prefix: string; account: string; ttlMs: number; onWait: (holder: string) => void; onLost: () => void; now?: () => number }): Promise<Lease> {
  const key = `${o.prefix}:lease:${o.account}`;
  const token = randomUUID();
  const now = o.now ?? Date.now;
  // The holder stops this long before Redis could hand the lease to another node.
  const margin = Math.max(100, Math.floor(o.ttlMs / 5));
  let validUntil = 0;
  let waited = false;
  for (;;) {
    const sent = now();
    if ((await redis.set(key, token, 'PX', o.ttlMs, 'NX')) === 'OK') {
      validUntil = sent + o.ttlMs - margin;
      break;
    }
    if (!waited) o.onWait((await redis.get(key)) ?? '?');
    waited = true;
    await new Promise((r) => setTimeout(r, Math.max(100, o.ttlMs / 5)));
  }
  const fence = await redis.incr(`${key}:fence`);
  const timer = setInterval(() => {
    if (now() >= validUntil) {
      lost(); // not renewed in time (Redis unreachable or slow): another node may hold it soon
      return;
    }
    const sent = now();
    redis
      .eval(RENEW, 1, key, token, String(o.ttlMs))
      .then((ok) => {
        if (ok !== 1) lost();
        else validUntil = Math.max(validUntil, sent + o.ttlMs - margin);
      })
      .catch(() => undefined); // a renewal that cannot reach Redis is retried; validUntil decides
  }, Math.max(25, Math.floor(o.ttlMs / 10)));
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
    held: () => !gone && now() < validUntil,
    release: async () => {
      gone = true;
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
