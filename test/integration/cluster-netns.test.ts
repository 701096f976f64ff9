/**
 * A lease holder in its own network namespace (`unshare -n`, a veth pair to the host, Redis
 * listening on the host end): the host end goes down, a silent partition — packets dropped, no
 * FIN, no RST, unlike the TCP proxy's cut and reset. The holder, alive, lapses on its own clock
 * while Redis still holds its key; a node on the host takes over only after, with the next
 * fencing token. Needs root (creating links); elsewhere it is skipped with that reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLease } from '../../src/main/cluster/lease';
import { startRedisServer } from '../support/redis-server';
import type { RedisServer } from '../support/redis-server';
import { until } from '../support/until';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Root, `unshare -n`, iproute2, and the right to create a veth pair here (a container may refuse it). */
function netnsProbe(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('unshare', ['-n', 'true']).status !== 0) return '`unshare -n` refused';
  if (spawnSync('ip', ['-V']).status !== 0) return 'no `ip` (iproute2)';
  const probe = `lxp${process.pid % 100_000}`;
  const made = spawnSync('ip', ['link', 'add', `${probe}a`, 'type', 'veth', 'peer', 'name', `${probe}b`]).status === 0;
  spawnSync('ip', ['link', 'del', `${probe}a`]);
  return made ? null : 'creating a veth pair refused';
}
const netnsMissing = netnsProbe();
const canNetns = netnsMissing === null;
if (!canNetns) console.warn(`network namespace partition test skipped: ${netnsMissing ?? ''}`);

const tag = String(process.pid % 100_000);
const hostIf = `lx${tag}h`;
const nsIf = `lx${tag}n`;
const net = `10.213.${process.pid % 250}`;
const children: ChildProcess[] = [];
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const c of closers.splice(0)) await c();
  spawnSync('ip', ['link', 'del', hostIf]);
});

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

describe.skipIf(!canNetns)('network namespace partition (needs root: unshare -n and a veth pair)', () => {
  it('a holder cut off by a silent partition (link down, packets dropped) lapses while Redis still holds its key; the host node takes over after it, with the next token', async () => {
    // The namespace: a process that only sleeps in it; the veth's far end is moved there.
    const anchor = spawn('unshare', ['-n', 'sleep', '300'], { stdio: 'ignore' });
    children.push(anchor);
    const pid = anchor.pid ?? 0;
    const own = readlinkSync('/proc/self/ns/net');
    await until(() => {
      try {
        return readlinkSync(`/proc/${pid}/ns/net`) !== own;
      } catch {
        return false;
      }
    }, 5_000, 'the namespace');
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf, 'netns', String(pid));
    ip('addr', 'add', `${net}.1/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    const inNs = (...args: string[]): void => {
      const r = spawnSync('nsenter', ['-t', String(pid), '-n', 'ip', ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ip ${args.join(' ')} in the namespace: ${r.stderr.trim()}`);
    };
    inNs('addr', 'add', `${net}.2/30`, 'dev', nsIf);
    inNs('link', 'set', nsIf, 'up');
    inNs('link', 'set', 'lo', 'up');

    const server: RedisServer = await startRedisServer({ alsoBind: `${net}.1` });
    closers.push(() => server.close());
    // nsenter execs node itself (tsx as a loader, not tsx's CLI, which would fork a second node that
    // a SIGKILL of the first leaves running): one process, killed by afterAll.
    const holder = spawn('nsenter', ['-t', String(pid), '-n', process.execPath, '--import', 'tsx', join(ROOT, 'test/support/lease-holder.ts')], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: `redis://${net}.1:${server.port}`, LEASE_TTL_MS: '2000', LEASE_PREFIX: 'ns' },
    });
    children.unshift(holder);
    let out = '';
    holder.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    holder.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => /ACQUIRED 1/.test(out), 30_000, `the holder in the namespace`);

    const host = new Redis(server.url, { maxRetriesPerRequest: null });
    closers.unshift(() => host.disconnect());
    expect(await host.get('ns:lease:BINANCE')).not.toBeNull();
    let waited = false;
    const second = acquireLease(host, { prefix: 'ns', account: 'BINANCE', ttlMs: 2_000, onWait: () => (waited = true), onLost: () => undefined });
    await new Promise((r) => setTimeout(r, 2_500)); // the holder renews across more than one ttl
    expect(out).not.toMatch(/LOST/);

    ip('link', 'set', hostIf, 'down'); // silent: nothing tells the holder its packets go nowhere
    await until(() => /LOST \d+/.test(out), 10_000, `the holder lapsing`);
    const pttl = await host.pttl('ns:lease:BINANCE');
    expect(pttl).toBeGreaterThan(0); // Redis still holds the holder's key: no one else can have it yet
    const lease = await second;
    const acquiredAt = Date.now();
    const lostAt = Number(/LOST (\d+)/.exec(out)?.[1]);
    expect(waited).toBe(true);
    expect(lease.fence).toBe(2);
    expect(lostAt).toBeLessThan(acquiredAt);
    expect(holder.exitCode).toBeNull(); // alive all along
    ip('link', 'set', hostIf, 'up');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await host.get('ns:lease:BINANCE')).not.toBeNull();
    expect(lease.held()).toBe(true); // the holder's queued renewals, delivered late, cannot take it back
    await lease.release();
  }, 60_000);
});
