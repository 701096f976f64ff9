/**
 * A lease holder process for the network-namespace test (run with tsx, inside the namespace):
 * takes the execution lease at REDIS_URL and prints `ACQUIRED <fence>`, then `LOST <epoch ms>`
 * the moment it stops counting the lease as its own.
 */
import { Redis } from 'ioredis';
import { acquireLease } from '../../src/main/cluster/lease';

const url = process.env['REDIS_URL'] ?? '';
const ttlMs = Number(process.env['LEASE_TTL_MS'] ?? '2000');
const redis = new Redis(url, { maxRetriesPerRequest: null });
redis.on('error', () => undefined);
const lease = await acquireLease(redis, { prefix: process.env['LEASE_PREFIX'] ?? 'ns', account: 'BINANCE', ttlMs, onWait: () => undefined, onLost: () => console.log(`LOST ${Date.now()}`) });
console.log(`ACQUIRED ${lease.fence}`);
setInterval(() => undefined, 1_000);
