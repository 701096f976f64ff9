/**
 * The Backtest panel's "file on this computer" through `libra serve` (real server, its HTTP call
 * API with the token): data files are read only under the data folder, the bundled samples and
 * `--allow-dir` folders; other paths, and symlinks leading out, are refused naming the path and
 * never quoting the file.
 */
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startServe } from '../e2e/support';
import type { Served } from '../e2e/support';

const SAMPLE = join(ROOT, 'resources/sample-data/BTC-USD_coinbase_4h_2016-2025.csv');

describe('libra serve: data files the Backtest panel may read', () => {
  let served: Served;
  let outside: string;
  let allowed: string;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'libra-data-files-'));
    outside = join(root, 'outside');
    allowed = join(root, 'allowed');
    mkdirSync(outside);
    mkdirSync(allowed);
    writeFileSync(join(outside, 'secret.csv'), 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\n');
    copyFileSync(SAMPLE, join(outside, 'bars.csv'));
    copyFileSync(SAMPLE, join(allowed, 'bars.csv'));
    symlinkSync(join(outside, 'secret.csv'), join(allowed, 'link.csv'));
    writeFileSync(join(allowed, 'passwd.csv'), 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\n');
    served = await startServe(['--allow-dir', allowed, '--static', join(root, 'no-ui'), '--no-start']);
  }, 120_000);
  afterAll(async () => {
    await served?.stop();
  });

  const start = async (data: object): Promise<{ ok: boolean; error?: { code: string; message: string } }> => {
    const r = await fetch(`${served.origin}/api/call/backtest.start`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${served.token}` },
      body: JSON.stringify({ data, strategy: 'sma-cross', params: {}, capital: 10_000, feeBps: 10, slippageBps: 0 }),
    });
    return (await r.json()) as { ok: boolean; error?: { code: string; message: string } };
  };

  it('reads a file under an --allow-dir folder, under the data folder and a bundled sample', async () => {
    expect(await start({ path: join(allowed, 'bars.csv') })).toMatchObject({ ok: true });
    copyFileSync(SAMPLE, join(served.dataDir, 'mine.csv'));
    expect(await start({ path: join(served.dataDir, 'mine.csv') })).toMatchObject({ ok: true });
    expect(await start({ sample: 'BTC-USD_coinbase_4h_2016-2025.csv' })).toMatchObject({ ok: true });
  });

  it('refuses files elsewhere, naming the path and quoting nothing', async () => {
    for (const path of ['/etc/passwd', join(outside, 'secret.csv'), join(outside, 'bars.csv'), join(allowed, 'link.csv'), join(allowed, '..', 'outside', 'secret.csv')]) {
      const r = await start({ path });
      expect(r).toMatchObject({ ok: false, error: { code: 'DATA_NOT_ALLOWED' } });
      expect(r.error?.message).toContain(path);
      expect(r.error?.message).toContain('--allow-dir');
      expect(r.error?.message).not.toMatch(/root:x|daemon/);
    }
  });

  it('a file it may read but cannot parse is refused by line, without its contents', async () => {
    const r = await start({ path: join(allowed, 'passwd.csv') });
    expect(r).toMatchObject({ ok: false, error: { code: 'DATA_FORMAT' } });
    expect(r.error?.message).not.toMatch(/root|daemon|bash/);
  });
});
