/**
 * The npm `postinstall` step (scripts/native-install.js) and the build script's offline mode,
 * run as real processes: they never fail the install and say in ONE line what happened.
 * (The building case itself runs in CI: `npm ci` then `node scripts/native-check.js`.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

function run(script: string, env: Record<string, string | undefined>): { status: number | null; lines: string[]; stdout: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [script], { cwd: process.cwd(), encoding: 'utf8', env: { ...process.env, LIBRA_SKIP_NATIVE_BUILD: undefined, LIBRA_RUST_OFFLINE: undefined, ...env }, timeout: 120_000 });
  const split = (t: string): string[] => t.split('\n').filter((l) => l.trim() !== '');
  return { status: r.status, lines: split(`${r.stdout}${r.stderr}`), stdout: split(r.stdout), stderr: r.stderr };
}

describe('native addon install step', () => {
  it('without cargo on PATH: exit 0 and one line naming the TypeScript fallback', () => {
    // PATH holds only node's own directory, so `cargo` cannot be found.
    const r = run('scripts/native-install.js', { PATH: dirname(process.execPath) });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([expect.stringMatching(/^libra-native: cargo not found, native addon not built; LIBRA uses the TypeScript risk gate and node:crypto signers/)]);
  });

  it('offline (LIBRA_RUST_OFFLINE=1): exit 0 and one line saying napi is not in Debian', () => {
    const r = run('scripts/native-install.js', { LIBRA_RUST_OFFLINE: '1' });
    expect(r.status).toBe(0);
    // With cargo installed the offline line; on a machine without cargo the no-cargo line.
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^libra-native: (offline \(LIBRA_RUST_OFFLINE=1\): napi crates are not packaged by Debian|cargo not found).*TypeScript risk gate/);
  });

  it('LIBRA_SKIP_NATIVE_BUILD=1: exit 0 and one line', () => {
    const r = run('scripts/native-install.js', { LIBRA_SKIP_NATIVE_BUILD: '1' });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([expect.stringMatching(/^libra-native: build skipped \(LIBRA_SKIP_NATIVE_BUILD=1\)/)]);
  });

  it('a failing cargo build: exit 0, the build output, then one FAILED line naming the fallback', () => {
    // A stand-in `cargo` (a real executable on PATH, not a mock of our code) that answers
    // --version and fails everything else, as a machine whose crates.io is unreachable does.
    const dir = mkdtempSync(join(tmpdir(), 'libra-fake-cargo-'));
    try {
      writeFileSync(join(dir, 'cargo'), '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "cargo 1.95.0 (fake)"; exit 0; fi\necho "error: failed to download from crates.io (fake)" >&2\nexit 101\n');
      chmodSync(join(dir, 'cargo'), 0o755);
      const r = run('scripts/native-install.js', { PATH: `${dir}:${dirname(process.execPath)}:/usr/bin:/bin`, LIBRA_NATIVE_FORCE_BUILD: '1' });
      expect(r.status).toBe(0);
      expect(r.stdout).toEqual([expect.stringMatching(/^libra-native: native addon build FAILED \(output above; crates.io unreachable\? set LIBRA_RUST_OFFLINE=1\); LIBRA uses the TypeScript risk gate/)]);
      expect(r.stderr).toContain('failed to download from crates.io (fake)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('native-build.js offline: builds nothing, exit 0, one line', () => {
    const r = run('scripts/native-build.js', { LIBRA_RUST_OFFLINE: '1' });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([expect.stringMatching(/^native-build: offline .*not built; LIBRA uses the TypeScript risk gate/)]);
  });
});
