/**
 * A real redis-server (Debian's /usr/bin/redis-server) for tests and benches: a free loopback
 * port, its own temp folder, AOF on by request, stopped by its PID (never by name, never flushed).
 * `kill()` SIGKILLs it (a crash) and `start()` runs it again on the same port and folder, so a test
 * sees what the append-only file kept.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = process.env.LIBRA_REDIS_SERVER ?? 'redis-server';

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  output(): string;
  pid(): number | undefined;
  /** Starts the server (again) on the same port and folder; resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL by PID; resolves once it exited. */
  kill(): Promise<void>;
  /** Kills it and removes its folder. Safe to call twice. */
  close(): Promise<void>;
}

/** `alsoBind`: one more address to listen on (e.g. the host end of a veth pair into a network namespace). */
export async function startRedisServer(o: { appendonly?: boolean; alsoBind?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'libra-redis-'));
  let child: ChildProcess | undefined;
  let out = '';
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    output: () => out,
    pid: () => child?.pid,
    start: async () => {
      out = '';
      const args = ['--port', String(port), '--bind', ...(o.alsoBind ? ['127.0.0.1', o.alsoBind] : ['127.0.0.1']), ...(o.alsoBind ? ['--protected-mode', 'no'] : []), '--dir', dir, '--save', '', '--appendonly', o.appendonly ? 'yes' : 'no', '--appendfsync', 'always'];
      const c = spawn(REDIS_SERVER, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const end = Date.now() + 20_000;
      while (!/Ready to accept connections/.test(out)) {
        if (c.exitCode !== null) throw new Error(`redis-server exited (${c.exitCode}): ${out.slice(-500)}`);
        if (Date.now() > end) throw new Error(`redis-server not ready after 20 s: ${out.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    kill: async () => {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    },
    close: async () => {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
