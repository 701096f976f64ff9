#!/usr/bin/env node
/**
 * CI checks of the native workspace: `cargo fmt --check`, `cargo clippy -D warnings` (skipped
 * with a notice when clippy is not installed), `cargo test`, and the drift check between the
 * committed native/index.d.ts and the built addon (exports, class methods, version, deny-reason
 * table vs src/main/engine/risk/risk-gate.ts, expected version in src/main/native/index.ts).
 *
 * Usage: node scripts/native-check.js [--no-cargo]   (--no-cargo: only the drift check)
 * The drift check needs the built addon (node scripts/native-build.js).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
let failed = false;

function step(name, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: native, stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) console.log(`native-check: ${name} ok (${secs} s)`);
  else {
    console.error(`native-check: ${name} FAILED (${secs} s)`);
    failed = true;
  }
}

if (!process.argv.includes('--no-cargo')) {
  step('cargo fmt --check', 'cargo', ['fmt', '--all', '--check']);
  const clippy = spawnSync('cargo', ['clippy', '--version'], { cwd: native, stdio: 'ignore' });
  if (clippy.status === 0) step('cargo clippy', 'cargo', ['clippy', '--workspace', '--all-targets', '--', '-D', 'warnings']);
  else console.log('native-check: cargo clippy is not installed — lint step skipped');
  step('cargo test', 'cargo', ['test', '--workspace']);
}

// ---- d.ts drift ------------------------------------------------------------------------------
function driftCheck() {
  const dts = readFileSync(join(native, 'index.d.ts'), 'utf8');
  const problems = [];
  let addon;
  try {
    addon = createRequire(join(native, 'index.cjs'))(join(native, 'index.cjs'));
  } catch (e) {
    return [`cannot load the addon (${e.message}); build it first: node scripts/native-build.js`];
  }
  // Declared top-level names: `export declare function|const|class NAME`.
  const declared = new Set([...dts.matchAll(/export declare (?:function|const|class) (\w+)/g)].map((m) => m[1]));
  const actual = new Set(Object.keys(addon));
  for (const n of actual) if (!declared.has(n)) problems.push(`export ${n} exists in the addon but not in index.d.ts`);
  for (const n of declared) if (!actual.has(n)) problems.push(`index.d.ts declares ${n} but the addon has no such export`);
  // Methods per class: the block between `export declare class X {` and the closing `}` at column 0.
  for (const m of dts.matchAll(/export declare class (\w+) \{([\s\S]*?)\n\}/g)) {
    const [, cls, body] = m;
    const declaredMethods = new Set([...body.matchAll(/^\s{2}(\w+)\(/gm)].map((x) => x[1]).filter((x) => x !== 'constructor'));
    const proto = addon[cls]?.prototype;
    const actualMethods = new Set(proto ? Object.getOwnPropertyNames(proto).filter((x) => x !== 'constructor') : []);
    for (const x of actualMethods) if (!declaredMethods.has(x)) problems.push(`${cls}.${x} exists in the addon but not in index.d.ts`);
    for (const x of declaredMethods) if (!actualMethods.has(x)) problems.push(`index.d.ts declares ${cls}.${x} but the addon has no such method`);
  }
  // Version: Cargo workspace == addon == what src/main/native expects.
  const cargoVersion = /\[workspace\.package\][^[]*?version = "([^"]+)"/.exec(readFileSync(join(native, 'Cargo.toml'), 'utf8'))?.[1];
  const expected = /EXPECTED_ADDON_VERSION = '([^']+)'/.exec(readFileSync(join(root, 'src/main/native/index.ts'), 'utf8'))?.[1];
  if (addon.addonVersion() !== cargoVersion) problems.push(`addon version ${addon.addonVersion()} != Cargo.toml ${cargoVersion} (rebuild)`);
  if (expected !== cargoVersion) problems.push(`EXPECTED_ADDON_VERSION ${expected} != Cargo.toml ${cargoVersion}`);
  // Deny reasons: Rust table == DENY_REASONS in risk-gate.ts (same order: the index is the wire code).
  const ts = readFileSync(join(root, 'src/main/engine/risk/risk-gate.ts'), 'utf8');
  const block = /DENY_REASONS = \[([\s\S]*?)\] as const/.exec(ts)?.[1] ?? '';
  const tsReasons = [...block.matchAll(/'(\w+)'/g)].map((x) => x[1]);
  const rustReasons = JSON.parse(addon.denyReasons());
  if (JSON.stringify(tsReasons) !== JSON.stringify(rustReasons)) problems.push(`deny reasons differ: TS ${JSON.stringify(tsReasons)} vs Rust ${JSON.stringify(rustReasons)}`);
  return problems;
}

const problems = driftCheck();
if (problems.length === 0) console.log('native-check: index.d.ts matches the addon; versions and deny reasons agree');
else {
  for (const p of problems) console.error(`native-check: drift: ${p}`);
  failed = true;
}
process.exit(failed ? 1 : 0);
