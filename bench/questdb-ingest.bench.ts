/**
 * Where QuestDB ingest time goes, on the real server: the SAME trade rows, pre-encoded by LIBRA's
 * ILP writer before the clock starts (so no client encoding is timed), sent
 * - over ILP/HTTP, one request per 100 k rows, waiting for each answer (what the store does);
 * - the same with the numeric trade id also sent as a VARCHAR `trade_id` (the store before v2);
 * - over ILP/HTTP on two connections at once (two batches in flight);
 * - over ILP/TCP (no answers: a sender cannot know what was committed);
 * - into a table without DEDUP UPSERT KEYS (what the dedup costs; the store needs it).
 * Then the store itself (`writeTrades`, encoding included). Each rate counts until QuestDB has
 * applied the WAL (rows readable). Server CPU per row is read from /proc (user + system of the
 * java process), which on a loaded machine varies less than wall time. Prints ONE JSON object.
 * `npm run bench -- questdb-ingest` (LIBRA_BENCH_ROWS, default 2 M rows per variant).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { QuestDbExec } from '../src/main/storage/questdb/exec';
import { IlpBuffer } from '../src/main/storage/questdb/ilp-writer';
import { QuestDbStore } from '../src/main/storage/questdb/questdb-store';
import { startQuestDb } from '../test/support/questdb-server';
import { tradesChunk } from './questdb-trades';

const N = Number(process.env.LIBRA_BENCH_ROWS ?? 2_000_000);
const B = 100_000;
const lit = (s: string): Buffer => Buffer.from(s, 'latin1');


/** The store's trade line (protocol v2); `withId` adds the id as a VARCHAR too. */
function body(table: string, from: number, withId: boolean): Buffer {
  const b = new IlpBuffer(16 << 20, 2);
  const buy = lit(`${table},venue=BINANCE,symbol=BTC/USDT,side=BUY trade_no=`);
  const sell = lit(`${table},venue=BINANCE,symbol=BTC/USDT,side=SELL trade_no=`);
  for (const t of tradesChunk(from, B)) {
    b.raw(t.side === 'BUY' ? buy : sell);
    b.long(Number(t.tradeId));
    if (withId) {
      b.raw(lit(',trade_id='));
      b.quoted(t.tradeId);
    }
    b.raw(lit(',price='));
    b.double(t.price);
    b.raw(lit(',size='));
    b.double(t.size);
    b.at(t.ts);
  }
  return Buffer.from(b.bytes());
}

const cpuMs = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // clock ticks of 10 ms
};

const server = await startQuestDb();
const exec = new QuestDbExec(server.url);
const agent = new Agent({ keepAlive: true, maxSockets: 2 });
const post = (b: Buffer): Promise<void> =>
  new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port: server.httpPort, method: 'POST', path: '/write?precision=n', agent, headers: { 'content-length': b.length } }, (m) => {
      const c: Buffer[] = [];
      m.on('data', (d: Buffer) => c.push(d));
      m.on('end', () => (m.statusCode! < 300 ? resolve() : reject(new Error(Buffer.concat(c).toString()))));
    });
    r.on('error', reject);
    r.end(b);
  });
const applied = async (table: string): Promise<void> => {
  for (;;) {
    const { dataset } = await exec.exec(`SELECT writerTxn, sequencerTxn FROM wal_tables() WHERE name = '${table}'`);
    if (dataset.length > 0 && dataset.every((r) => Number(r[0]) >= Number(r[1]))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
};
const count = async (table: string): Promise<number> => Number((await exec.exec(`SELECT count() FROM ${table}`)).dataset[0]?.[0] ?? 0);

type Variant = 'http' | 'httpWithVarcharId' | 'http2Connections' | 'tcp' | 'httpNoDedup';
const variants: Variant[] = ['http', 'httpWithVarcharId', 'http2Connections', 'tcp', 'httpNoDedup'];
const out: Record<string, unknown> = { bench: 'questdb-ingest', rowsPerVariant: N, loadavgAtStart: loadavg().map((x) => Math.round(x * 10) / 10) };
try {
  // warm the JVM up so that the first variant is not the slowest for that reason
  await exec.exec('CREATE TABLE warm (ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, side SYMBOL, trade_no LONG, trade_id VARCHAR, price DOUBLE, size DOUBLE) TIMESTAMP(ts) PARTITION BY DAY WAL');
  for (let i = 0; i < 5 * B; i += B) await post(body('warm', i, false));
  await applied('warm');
  await exec.exec('DROP TABLE warm');
  const results: Record<string, unknown> = {};
  for (const v of variants) {
    const table = `ing_${v}`;
    const dedup = v === 'httpNoDedup' ? '' : ' DEDUP UPSERT KEYS(ts, venue, symbol, trade_no, trade_id)';
    await exec.exec(`CREATE TABLE ${table} (ts TIMESTAMP, venue SYMBOL, symbol SYMBOL, side SYMBOL, trade_no LONG, trade_id VARCHAR, price DOUBLE, size DOUBLE) TIMESTAMP(ts) PARTITION BY DAY WAL${dedup}`);
    const bodies: Buffer[] = [];
    for (let i = 0; i < N; i += B) bodies.push(body(table, i, v === 'httpWithVarcharId'));
    const c0 = cpuMs(server.pid());
    const t0 = performance.now();
    if (v === 'tcp') {
      const s = connect(server.ilpTcpPort, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      for (const b of bodies) if (!s.write(b)) await new Promise((r) => s.once('drain', r));
      await new Promise<void>((r) => s.end(r));
      // no answers over TCP: wait until every row is there
      const deadline = Date.now() + 600_000;
      while ((await count(table).catch(() => 0)) < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } else if (v === 'http2Connections') {
      let k = 0;
      const lane = async (): Promise<void> => {
        while (k < bodies.length) await post(bodies[k++]!);
      };
      await Promise.all([lane(), lane()]);
    } else {
      for (const b of bodies) await post(b);
    }
    await applied(table);
    const took = performance.now() - t0;
    const rows = await count(table);
    results[v] = { rowsPerSec: Math.round((N / took) * 1000), serverCpuUsPerRow: Math.round(((cpuMs(server.pid()) - c0) * 1000 * 100) / N) / 100, rows, loadavg: Math.round(loadavg()[0]! * 10) / 10 };
    await exec.exec(`DROP TABLE ${table}`);
  }
  // the store, encoding included (rows generated outside the clock)
  const store = new QuestDbStore({ url: server.url, tablePrefix: 'ing_store_' });
  await store.open();
  let took = 0;
  let nodeCpu = 0;
  const c0 = cpuMs(server.pid());
  for (let i = 0; i < N; i += B) {
    const rows = tradesChunk(i, B);
    const u = process.cpuUsage();
    const t = performance.now();
    await store.writeTrades('BINANCE', 'BTC/USDT', rows);
    took += performance.now() - t;
    const d = process.cpuUsage(u);
    nodeCpu += d.user + d.system;
  }
  const t = performance.now();
  await store.waitApplied(600_000);
  took += performance.now() - t;
  results.store = {
    rowsPerSec: Math.round((N / took) * 1000),
    serverCpuUsPerRow: Math.round(((cpuMs(server.pid()) - c0) * 1000 * 100) / N) / 100,
    nodeCpuUsPerRow: Math.round((nodeCpu / N) * 100) / 100,
    loadavg: Math.round(loadavg()[0]! * 10) / 10,
  };
  await store.close();
  await store.dropAll();
  out.results = results;
  out.targetRowsPerSec = 1_000_000;
} finally {
  agent.destroy();
  await server.stop();
}
out.loadavgAtEnd = loadavg().map((x) => Math.round(x * 10) / 10);
console.log(JSON.stringify(out));
