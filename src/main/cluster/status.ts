/** Reads the cluster's nodes once over a short-lived connection (no retries: a wrong URL fails fast). */
import { Redis } from 'ioredis';
import { clusterStatus } from './heartbeat';
import type { NodeStatus } from './heartbeat';

/** A Redis URL as it may be shown: the password (if any) masked. */
export function shownUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export async function readClusterStatus(url: string, prefix: string): Promise<NodeStatus[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 3_000 });
  let cause: Error | undefined;
  redis.on('error', (e: Error) => (cause = e)); // the failed connect rejects below; this holds the reason
  try {
    await redis.connect();
    return await clusterStatus(redis, prefix);
  } catch (e) {
    throw new Error(`cannot read the cluster at ${shownUrl(url)}: ${(cause ?? (e instanceof Error ? e : new Error(String(e)))).message}`);
  } finally {
    redis.disconnect();
  }
}
