/**
 * `libra serve --config` refuses bad input as the other commands do: one line naming the flag
 * or the config field, exit code 2, and no server started.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const serve = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'serve', '--port', '0', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('libra serve --config (bad input)', () => {
  it('names the bad field of the session config and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-serve-cfg-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ venues: [{ ccxtId: 'binance', mode: 'real', symbols: ['BTC/USDT'] }] }));
    const r = serve(['--config', join(dir, 'bad.json'), '--data-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/venues\[0\]\.mode: expected "paper" \| "live", got "real"/);
    expect(r.stdout).not.toMatch(/token=/);
  }, 60_000);

  it('refuses --keys without --config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-serve-cfg-'));
    const r = serve(['--keys', join(dir, 'keys.json'), '--data-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--keys needs --config/);
  }, 60_000);
});
