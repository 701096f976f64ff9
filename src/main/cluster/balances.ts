/**
 * Balances from the execution node (it holds the accounts) to every other node: state, not
 * events, so a snapshot — the execution node SETs `<prefix>:balances` (a versioned message) when
 * its balances change, checked every `everyMs`; other nodes GET it as often and take the newest.
 * A node that was down reads the current snapshot when it comes back; nothing to replay.
 */
import type { Redis } from 'ioredis';
import type { Balance } from '../../shared/domain/position';
import { clusterKeys } from './cluster-config';
import { decode, encode, MessageError } from './messages';

export const BALANCES_MS = 1_000;

export function publishBalances(redis: Redis, o: { prefix: string; node: string; balances: () => readonly Balance[]; everyMs?: number; warn: (l: string) => void }): { stop(): void } {
  const key = clusterKeys(o.prefix).balances;
  let last = '';
  const tick = (): void => {
    const balances = o.balances().map((b) => ({ currency: b.currency, totalRaw: b.totalRaw, lockedRaw: b.lockedRaw, precision: b.precision, account: b.account }));
    const text = JSON.stringify(balances);
    if (text === last) return;
    last = text;
    const ts = Date.now();
    redis.set(key, encode({ v: 1, id: `${o.node}:balances:${ts}`, kind: 'balances', node: o.node, ts, body: { balances } })).catch((e: unknown) => {
      last = ''; // sent again next tick
      o.warn(`CLUSTER balances not sent: ${e instanceof Error ? e.message : String(e)}`);
    });
  };
  const timer = setInterval(tick, o.everyMs ?? BALANCES_MS);
  timer.unref();
  tick();
  return { stop: () => clearInterval(timer) };
}

export function followBalances(redis: Redis, o: { prefix: string; everyMs?: number; onChange: (balances: readonly Balance[], from: string) => void; warn: (l: string) => void }): { stop(): void } {
  const key = clusterKeys(o.prefix).balances;
  let lastId = '';
  const tick = async (): Promise<void> => {
    const text = await redis.get(key);
    if (text === null) return;
    let m;
    try {
      m = decode(text);
    } catch (e) {
      if (e instanceof MessageError) return o.warn(`CLUSTER ${key} refused: ${e.message}`);
      throw e;
    }
    if (m.kind !== 'balances' || m.id === lastId) return;
    lastId = m.id;
    o.onChange(m.body.balances, m.node);
  };
  const timer = setInterval(() => tick().catch((e: unknown) => o.warn(`CLUSTER balances not read: ${e instanceof Error ? e.message : String(e)}`)), o.everyMs ?? BALANCES_MS);
  timer.unref();
  void tick().catch(() => undefined);
  return { stop: () => clearInterval(timer) };
}
