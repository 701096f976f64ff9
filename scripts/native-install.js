#!/usr/bin/env node
/**
 * npm `postinstall`: builds the native addon when it can, and NEVER fails the install. Prints
 * exactly one `libra-native:` line saying what happened:
 *  - LIBRA_SKIP_NATIVE_BUILD=1        → skipped;
 *  - no cargo on PATH                 → not built, TypeScript fallback;
 *  - LIBRA_RUST_OFFLINE=1             → not built (napi crates are not in Debian), fallback;
 *  - the .node is newer than every Rust source and manifest → up to date, not rebuilt
 *    (LIBRA_NATIVE_FORCE_BUILD=1 rebuilds anyway);
 *  - otherwise `napi build --release` (crates.io); on failure → fallback, with the reason.
 * The cargo output goes to the terminal only when the build fails (it is captured otherwise).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const FALLBACK = 'LIBRA uses the TypeScript risk gate and node:crypto signers';
const say = (line) => console.log(`libra-native: ${line}`);

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(rs|toml)$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function builtBinary() {
  const f = readdirSync(native).find((n) => /^libra-native\..+\.node$/.test(n));
  return f ? join(native, f) : undefined;
}

function main() {
  if (process.env.LIBRA_SKIP_NATIVE_BUILD === '1') return say(`build skipped (LIBRA_SKIP_NATIVE_BUILD=1); ${FALLBACK} unless a built addon is present`);
  if (!existsSync(join(native, 'crates'))) return say(`no native/ sources in this install; ${FALLBACK}`);
  if (spawnSync('cargo', ['--version'], { stdio: 'ignore' }).status !== 0) return say(`cargo not found, native addon not built; ${FALLBACK} (install Rust ≥ 1.88, then npm run native:build)`);
  if (process.env.LIBRA_RUST_OFFLINE === '1') return say(`offline (LIBRA_RUST_OFFLINE=1): napi crates are not packaged by Debian, native addon not built; ${FALLBACK}`);
  const bin = builtBinary();
  if (bin && process.env.LIBRA_NATIVE_FORCE_BUILD !== '1' && statSync(bin).mtimeMs > Math.max(newestSource(join(native, 'crates')), statSync(join(native, 'Cargo.toml')).mtimeMs)) return say(`native addon up to date (${bin.slice(root.length + 1)})`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'native-build.js')], { cwd: root, encoding: 'utf8', env: process.env });
  if (r.status === 0) return say(`native addon built in ${((Date.now() - t0) / 1000).toFixed(0)} s (napi-rs, crates.io)`);
  process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').slice(-25).join('\n'));
  say(`native addon build FAILED (output above; crates.io unreachable? set LIBRA_RUST_OFFLINE=1); ${FALLBACK}`);
}

try {
  main();
} catch (e) {
  say(`native addon not built (${e instanceof Error ? e.message : String(e)}); ${FALLBACK}`);
}
process.exit(0);
