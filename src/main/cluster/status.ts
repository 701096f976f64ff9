/** Reads the cluster's nodes once over a short-lived connection (no retries: a wrong URL fails fast). */
import { Redis } from 'ioredis';
import { clusterStatus } from './heartbeat';
import type { NodeStatus } from './heartbeat';

export async function readClusterStatus(url: string, prefix: string): Promise<NodeStatus[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  redis.on('error', () => undefined); // the failed connect rejects below with the reason
  try {
    await redis.connect();
    return await clusterStatus(redis, prefix);
  } finally {
    redis.disconnect();
  }
}
