/**
 * Node heartbeats: every beat HSETs `<prefix>:node:<name>` (roles, state, last beat, lag of the
 * event loop) with a PEXPIRE of three beats, and adds the name to `<prefix>:nodes`. A node whose
 * hash expired is shown as lost by `libra cluster status`.
 */
import type { Redis } from 'ioredis';
import { clusterKeys } from './cluster-config';

export const BEAT_MS = 1_000;

export function startHeartbeat(redis: Redis, o: { prefix: string; node: string; roles: readonly string[]; state: () => string; stats?: () => Record<string, string>; warn: (l: string) => void }): { stop(): Promise<void> } {
  const keys = clusterKeys(o.prefix);
  let expected = Date.now() + BEAT_MS;
  const beat = async (): Promise<void> => {
    const now = Date.now();
    const lag = Math.max(0, now - expected);
    expected = now + BEAT_MS;
    await redis.multi().hset(keys.node(o.node), { roles: o.roles.join(','), state: o.state(), beat: String(now), lagMs: String(lag), pid: String(process.pid), ...(o.stats?.() ?? {}) }).pexpire(keys.node(o.node), BEAT_MS * 3).sadd(keys.nodes, o.node).exec();
  };
  const timer = setInterval(() => beat().catch((e: unknown) => o.warn(`CLUSTER heartbeat failed: ${e instanceof Error ? e.message : String(e)}`)), BEAT_MS);
  timer.unref();
  void beat().catch(() => undefined);
  return {
    stop: async () => {
      clearInterval(timer);
      await redis.multi().hset(keys.node(o.node), { state: 'stopped', beat: String(Date.now()) }).pexpire(keys.node(o.node), BEAT_MS * 3).exec().catch(() => undefined);
    },
  };
}

export interface NodeStatus {
  readonly node: string;
  readonly roles: string;
  readonly state: string;
  readonly lastBeat: number | undefined;
  readonly lagMs: number | undefined;
  /** Market data: a data node's sent and shed counts; a reader's received, gaps (never got) and publish→delivery lag. */
  readonly md: { readonly sent?: number; readonly dropped?: number; readonly received?: number; readonly gaps?: number; readonly lagMs?: number };
}

function counts(h: Record<string, string>): NodeStatus['md'] {
  const out: Record<string, number> = {};
  for (const [field, key] of [['mdSent', 'sent'], ['mdDropped', 'dropped'], ['mdReceived', 'received'], ['mdGaps', 'gaps'], ['mdLagMs', 'lagMs']] as const) {
    const v = h[field];
    if (v !== undefined && Number.isFinite(Number(v))) out[key] = Number(v);
  }
  return out;
}

/** Every node that ever joined under the prefix; one whose beat expired is `lost`. */
export async function clusterStatus(redis: Redis, prefix: string): Promise<NodeStatus[]> {
  const keys = clusterKeys(prefix);
  const names = (await redis.smembers(keys.nodes)).sort();
  const out: NodeStatus[] = [];
  for (const node of names) {
    const h = await redis.hgetall(keys.node(node));
    const beat = h['beat'] !== undefined ? Number(h['beat']) : undefined;
    out.push({ node, roles: h['roles'] ?? '?', state: h['state'] ?? 'lost', lastBeat: beat, lagMs: h['lagMs'] !== undefined ? Number(h['lagMs']) : undefined, md: counts(h) });
  }
  return out;
}
