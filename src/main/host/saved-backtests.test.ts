/**
 * Backtest results kept across restarts: a real run through the host's worker is written under
 * the data folder when it finishes; a new host on the same folder (a restart) lists it and opens
 * it with the same report; damaged, oversized, foreign or path-like entries are refused with a
 * clear reason that never echoes a file's contents; delete removes the file.
 */
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../shared/ipc/result';
import type { BacktestRunView, SavedBacktestsView } from '../../shared/ipc/views';
import { EngineHost } from './engine-host';
import { MAX_SAVED_BYTES } from './saved-backtests';
import { paperSession } from './test-support';

function value<T>(r: Result<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function until<T>(f: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('saved backtests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'libra-saved-bt-'));
  const savedDir = join(dir, 'backtests');
  let first: EngineHost;
  let done: BacktestRunView;

  beforeAll(async () => {
    first = new EngineHost(await paperSession(), { backtests: { savedDir } });
    const started = value<BacktestRunView>(
      await first.call('libra:backtest.start', { data: { sample: 'BTC-USD_coinbase_4h_2016-2025.csv' }, strategy: 'sma-cross', params: { fast: '10', slow: '30' }, capital: 10_000, feeBps: 10, slippageBps: 0 }),
    );
    done = await until(async () => {
      const r = value<BacktestRunView>(await first.call('libra:backtest.status', { id: started.id, report: true }));
      return r.status === 'running' ? null : r;
    });
    first.dispose();
  }, 90_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a finished run under the data folder and lists and opens it after a restart', async () => {
    expect(done.status).toBe('done');
    expect(readdirSync(savedDir)).toHaveLength(1);
    const again = new EngineHost(await paperSession(), { backtests: { savedDir } });
    try {
      const list = value<SavedBacktestsView>(await again.call('libra:backtest.saved', {}));
      expect(list.skipped).toBe(0);
      expect(list.saved).toHaveLength(1);
      const entry = list.saved[0];
      if (!entry || !done.report) throw new Error('nothing saved');
      expect(entry.id).toBe(`${done.startedAt}-${done.id}`);
      expect(entry).toMatchObject({ label: done.label, symbol: 'BTC/USD', strategy: done.report.strategy, trades: done.report.tradesTotal, totalReturn: done.report.stats.totalReturn });
      const opened = value<BacktestRunView>(await again.call('libra:backtest.openSaved', { id: entry.id }));
      expect(opened.report?.stats).toEqual(done.report.stats);
      expect(opened.report?.trades).toEqual(done.report.trades);
      expect(opened.report?.chartable).toBe(false); // the bars were not kept
    } finally {
      again.dispose();
    }
  });

  it('refuses damaged, oversized, foreign and path-like entries without echoing contents, and deletes', async () => {
    const host = new EngineHost(await paperSession(), { backtests: { savedDir } });
    try {
      const good = readdirSync(savedDir)[0] ?? '';
      const secret = 'root:x:0:0:SECRET-LINE';
      writeFileSync(join(savedDir, '1-BT-7.json'), `${secret}\n`);
      writeFileSync(join(savedDir, '2-BT-8.json'), JSON.stringify({ version: 1, run: { id: '2-BT-8', label: secret, status: 'done' } }));
      writeFileSync(join(savedDir, '3-BT-9.json'), JSON.stringify({ version: 1, run: { ...done, id: '4-BT-1', report: done.report } }));
      writeFileSync(join(savedDir, '5-BT-2.json'), '');
      truncateSync(join(savedDir, '5-BT-2.json'), MAX_SAVED_BYTES + 1);
      writeFileSync(join(savedDir, 'notes.json'), '{}');
      const list = value<SavedBacktestsView>(await host.call('libra:backtest.saved', {}));
      expect(list.saved.map((s) => s.id)).toEqual([good.replace(/\.json$/, '')]);
      expect(list.skipped).toBe(4);
      for (const [id, code, text] of [
        ['1-BT-7', 'SAVED_BACKTEST_DAMAGED', /not valid JSON/],
        ['2-BT-8', 'SAVED_BACKTEST_DAMAGED', /is damaged \(run\.\w+: /],
        ['3-BT-9', 'SAVED_BACKTEST_DAMAGED', /another run's id/],
        ['5-BT-2', 'SAVED_BACKTEST_DAMAGED', /larger than/],
        ['../../etc/passwd', 'NOT_FOUND', /no saved backtest/],
        ['9-BT-9', 'NOT_FOUND', /no saved backtest 9-BT-9/],
      ] as const) {
        const r = await host.call('libra:backtest.openSaved', { id });
        expect(r.ok, id).toBe(false);
        if (r.ok) continue;
        expect(r.error.code, id).toBe(code);
        expect(r.error.message, id).toMatch(text);
        expect(r.error.message).not.toContain('SECRET');
      }
      const gone = value<{ id: string }>(await host.call('libra:backtest.deleteSaved', { id: '1-BT-7' }));
      expect(gone.id).toBe('1-BT-7');
      expect(readdirSync(savedDir)).not.toContain('1-BT-7.json');
      expect((await host.call('libra:backtest.deleteSaved', { id: '../x' })).ok).toBe(false);
    } finally {
      host.dispose();
    }
  });

  it('keeps nothing and lists nothing on a host without a saved folder', async () => {
    const host = new EngineHost(await paperSession());
    try {
      expect(value<SavedBacktestsView>(await host.call('libra:backtest.saved', {}))).toEqual({ saved: [], skipped: 0 });
    } finally {
      host.dispose();
    }
  });
});
