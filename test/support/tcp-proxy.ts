/**
 * A fault-injecting TCP proxy (node:net) for tests: listens on a free loopback port and forwards
 * to a target. It can delay every chunk (both ways), cut every connection (FIN), reset them (RST),
 * refuse new connections for a while, and run a hook on each chunk a client sends (e.g. reset the
 * connection right after a given command reached the server, so its reply is lost).
 */
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Every chunk waits this long before it is passed on (0: none). */
  delay(ms: number): void;
  /** Ends every open connection (FIN both ways). */
  cut(): void;
  /** Resets every open connection (RST to the client). */
  reset(): void;
  /** New connections are reset at once until `ms` from now. */
  refuseFor(ms: number): void;
  /** Called with each client → server chunk after it was passed on; may call cut()/reset(). */
  onClientData(hook: ((chunk: Buffer) => void) | undefined): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly server: Socket;
}

export async function startTcpProxy(target: { host: string; port: number }, scheme = 'redis'): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let delayMs = 0;
  let refuseUntil = 0;
  let accepted = 0;
  let hook: ((chunk: Buffer) => void) | undefined;

  const pipe = (from: Socket, to: Socket, after?: (c: Buffer) => void): void => {
    // Chunks stay in order under a delay: each waits for the one before it.
    let chain: Promise<void> = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      chain = chain.then(async () => {
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        if (!to.destroyed) to.write(chunk);
        after?.(chunk);
      });
    });
  };

  const server: Server = createServer((client) => {
    accepted++;
    if (Date.now() < refuseUntil) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair = { client, server: upstream };
    pairs.add(pair);
    const drop = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    pipe(client, upstream, (c) => hook?.(c));
    pipe(upstream, client);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    connections: () => accepted,
    delay: (ms) => (delayMs = ms),
    cut: () => {
      for (const p of [...pairs]) {
        p.client.end();
        p.server.end();
      }
    },
    reset: () => {
      for (const p of [...pairs]) {
        pairs.delete(p);
        p.client.resetAndDestroy();
        p.server.destroy();
      }
    },
    refuseFor: (ms) => (refuseUntil = Date.now() + ms),
    onClientData: (h) => (hook = h),
    close: async () => {
      for (const p of [...pairs]) {
        p.client.destroy();
        p.server.destroy();
      }
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
