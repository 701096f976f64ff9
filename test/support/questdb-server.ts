/**
 * A real QuestDB server for tests and benches, started from the official server jar.
 *
 * - The jar (`org.questdb:questdb`, self-contained: it needs only Java 17+) is fetched once with
 *   `mvn dependency:copy` into a cache folder (`LIBRA_QUESTDB_CACHE`, default
 *   `~/.cache/libra/questdb`); later runs use the cached file.
 * - Each server gets free loopback ports (HTTP, PostgreSQL wire, ILP/TCP), its own temp root
 *   folder, telemetry off, and is stopped by its PID (never by name).
 * - `restart()` kills the process (SIGKILL by default: a crash, not a clean shutdown) and starts it
 *   again on the same ports and root, so tests can see what survives.
 *
 * `questdbUnavailable()` says why no server can run here (no java / no mvn): callers skip with that
 * reason, or, under CI, fail with it (see questdb-store.test.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Newest 9.x on Maven Central when this was written (`mvn` metadata: release 9.3.4). */
export const QUESTDB_VERSION = process.env.LIBRA_QUESTDB_VERSION ?? '9.3.4';

export interface QuestDbServer {
  /** HTTP base URL (`/exec`, ILP `/write`): what `QuestDbStore({ url })` takes. */
  readonly url: string;
  readonly httpPort: number;
  readonly pgPort: number;
  readonly ilpTcpPort: number;
  readonly root: string;
  /** PID of the running java process. */
  pid(): number;
  /** Stops the process (SIGKILL unless `graceful`) and starts it again on the same ports/root. */
  restart(opts?: { graceful?: boolean }): Promise<void>;
  /** Stops the process by PID and removes the root folder. Safe to call twice. */
  stop(): Promise<void>;
}

async function onPath(cmd: string): Promise<boolean> {
  try {
    await run(cmd, ['-version'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** Why a server cannot be started here, or undefined when java and (for a first fetch) mvn exist. */
export async function questdbUnavailable(): Promise<string | undefined> {
  if (!(await onPath('java'))) return 'java (17+) is not on PATH: cannot run the QuestDB server jar';
  if (!existsSync(jarPath()) && !(await onPath('mvn'))) return `mvn is not on PATH and the QuestDB ${QUESTDB_VERSION} jar is not cached at ${jarPath()}`;
  return undefined;
}

function cacheDir(): string {
  return process.env.LIBRA_QUESTDB_CACHE ?? join(homedir(), '.cache', 'libra', 'questdb');
}

function jarPath(): string {
  return join(cacheDir(), `questdb-${QUESTDB_VERSION}.jar`);
}

/** The cached server jar, fetched from Maven Central on first use. */
export async function questdbJar(): Promise<string> {
  const jar = jarPath();
  if (existsSync(jar)) return jar;
  const dir = cacheDir();
  mkdirSync(dir, { recursive: true });
  // fetch into a private folder, then rename: parallel test files never see half a jar
  const tmp = mkdtempSync(join(dir, 'fetch-'));
  try {
    await run('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=org.questdb:questdb:${QUESTDB_VERSION}:jar`, `-DoutputDirectory=${tmp}`], { timeout: 600_000 });
    renameSync(join(tmp, `questdb-${QUESTDB_VERSION}.jar`), jar);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return jar;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function ready(url: string, child: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`QuestDB exited (${child.exitCode ?? child.signalCode}) before it was ready; log: ${log}`);
    try {
      const res = await fetch(`${url}/exec?query=${encodeURIComponent('SELECT 1')}`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`QuestDB at ${url} not ready within ${timeoutMs} ms; log: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

/** Starts a fresh QuestDB on free loopback ports with its own temp root folder. */
export async function startQuestDb(opts: { readyTimeoutMs?: number } = {}): Promise<QuestDbServer> {
  const jar = await questdbJar();
  const root = mkdtempSync(join(tmpdir(), 'libra-questdb-'));
  const [httpPort, pgPort, ilpTcpPort] = [await freePort(), await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const log = join(root, 'server.log');
  const env = {
    ...process.env,
    QDB_HTTP_BIND_TO: `127.0.0.1:${httpPort}`,
    QDB_PG_NET_BIND_TO: `127.0.0.1:${pgPort}`,
    QDB_LINE_TCP_NET_BIND_TO: `127.0.0.1:${ilpTcpPort}`,
    QDB_HTTP_MIN_ENABLED: 'false',
    QDB_LINE_UDP_ENABLED: 'false',
    QDB_TELEMETRY_ENABLED: 'false',
    // the machine is shared: a small fixed worker pool instead of one per core
    QDB_SHARED_WORKER_COUNT: '2',
  };
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const fd = openSync(log, 'a');
    try {
      child = spawn('java', ['-Xms64m', '-Xmx512m', '-p', jar, '-m', 'io.questdb/io.questdb.ServerMain', '-d', root], { env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    await ready(url, child, log, opts.readyTimeoutMs ?? 60_000);
  };
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    c.kill(signal);
    const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
    await waitExit(c);
    clearTimeout(t);
  };
  let stopped = false;
  await launch();
  return {
    url,
    httpPort,
    pgPort,
    ilpTcpPort,
    root,
    pid: () => child?.pid ?? -1,
    restart: async ({ graceful = false } = {}) => {
      await kill(graceful ? 'SIGTERM' : 'SIGKILL');
      await launch();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await kill('SIGTERM');
      rmSync(root, { recursive: true, force: true });
    },
  };
}
