/**
 * The `cluster` block of a session config: which Redis, this node's name, its roles, and the
 * key prefix every LIBRA key lives under (LIBRA never writes outside it and never flushes).
 */
import { z } from 'zod';

/** Default `lostGroupRetentionMs`: 6 hours. */
export const LOST_GROUP_RETENTION_MS = 6 * 3_600_000;

export const CLUSTER_ROLES = ['data', 'strategy', 'execution'] as const;
export type ClusterRole = (typeof CLUSTER_ROLES)[number];

export const clusterConfigSchema = z
  .object({
    redis: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// URL such as "redis://127.0.0.1:6379"'),
    /** Node name: part of every client order id this node decides, so unique in the cluster. */
    node: z.string().regex(/^[a-z0-9_-]{1,16}$/, 'a node name of 1-16 characters a-z 0-9 _ -'),
    roles: z.array(z.enum(CLUSTER_ROLES)).min(1),
    prefix: z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'a key prefix of 1-32 characters A-Z a-z 0-9 _ . -').default('libra'),
    /** Intents pending this long on a dead execution consumer are claimed by the live one. */
    claimIdleMs: z.number().int().positive().default(5_000),
    /**
     * A consumer group none of whose consumers is a live node (no heartbeat: lost or stopped)
     * holds trimming back only for entries younger than this; older ones it has not read go.
     */
    lostGroupRetentionMs: z.number().int().positive().default(LOST_GROUP_RETENTION_MS),
  })
  .strict();

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

/** Every Redis key LIBRA uses, under the prefix. */
export function clusterKeys(prefix: string) {
  return {
    intents: `${prefix}:intents`,
    risk: `${prefix}:risk`,
    balances: `${prefix}:balances`,
    events: (node: string) => `${prefix}:events:${node}`,
    node: (node: string) => `${prefix}:node:${node}`,
    nodes: `${prefix}:nodes`,
  } as const;
}

/** A client order id decided on `node` reads `<node>.<rest>`; the execution node routes its reports back by it. */
export function originNode(clientOrderId: string): string | undefined {
  const dot = clientOrderId.indexOf('.');
  return dot > 0 ? clientOrderId.slice(0, dot) : undefined;
}
