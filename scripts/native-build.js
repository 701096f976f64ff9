#!/usr/bin/env node
/**
 * Builds the native addon with @napi-rs/cli into native/libra-native.<platform>.node.
 *
 * Runs napi from native/ (so native/.cargo/config.toml — the offline crates.io replacement
 * written by scripts/setup-rust.sh — applies to `cargo metadata` and `cargo build`), with
 * native/package.json as the napi config (binaryName "libra-native"). `--no-js`: the loader
 * (native/index.cjs) and types (native/index.d.ts) are hand-written and committed, because the
 * shim does not use napi-derive, which is what would generate them.
 *
 * Usage: node scripts/native-build.js [--debug]
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const release = !process.argv.includes('--debug');
const args = ['napi', 'build', '--cwd', 'native', '--platform', '--manifest-path', 'crates/node/Cargo.toml', '--output-dir', '.', '--package-json-path', 'package.json', '--no-js', '--dts', 'addon.d.ts'];
if (release) args.push('--release');
const t0 = Date.now();
const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`native-build: napi build failed (exit ${r.status}). Offline? run scripts/setup-rust.sh first.`);
  process.exit(r.status ?? 1);
}
console.log(`native-build: ok in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
