/**
 * A real redis-server for one test file: started in beforeAll, stopped in afterAll after every
 * client `conn()` opened is disconnected.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer } from './redis-server';
import type { RedisServer } from './redis-server';

export function redisForSuite(): { conn(): Redis } {
  let server: RedisServer | undefined;
  const conns: Redis[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of conns) c.disconnect();
    await server?.close();
  });
  return {
    conn(): Redis {
      if (!server) throw new Error('redis-server is not started yet (call conn() inside a test)');
      const r = new Redis(server.url, { maxRetriesPerRequest: null });
      conns.push(r);
      return r;
    },
  };
}
