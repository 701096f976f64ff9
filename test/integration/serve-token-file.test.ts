/**
 * `libra serve --token-file F` keeps one access token across restarts: the first run creates F
 * (mode 0600) with a random token, the next run serves that same token; a file that holds no
 * token is refused with exit 2 and a line naming the file, never its contents.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, startServe } from '../e2e/support';

describe('libra serve --token-file', () => {
  it('creates the file 0600 on the first run and serves the same token after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-token-'));
    const file = join(dir, 'token');
    const noUi = ['--token-file', file, '--static', join(dir, 'no-ui'), '--no-start'];
    const first = await startServe(noUi);
    let token: string;
    try {
      token = first.token;
      expect(token).toMatch(/^[\w-]{16,}$/);
      expect(readFileSync(file, 'utf8').trim()).toBe(token);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      await first.stop();
    }
    const second = await startServe(noUi);
    try {
      expect(second.token).toBe(token);
      expect((await fetch(`${second.origin}/api/health?token=${token}`)).status).toBe(200);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('refuses a file that holds no token without echoing it, and --token with --token-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libra-token-'));
    const file = join(dir, 'passwd');
    writeFileSync(file, 'root:x:0:0:root:/root:/bin/bash\n');
    const serve = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin/libra.js'), 'serve', '--port', '0', '--data-dir', dir, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const bad = serve(['--token-file', file]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`--token-file ${file} does not hold a token`);
    expect(bad.stderr).not.toContain('root:x');
    const both = serve(['--token-file', file, '--token', 'abcdefghijklmnopqrstuvwx']);
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--token and --token-file are exclusive/);
  }, 120_000);
});
