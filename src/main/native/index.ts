/**
 * The only importer of the Rust addon (native/). `loadNative()` finds the built `.node` file —
 * `native/` at the repo root in development, `<resources>/native` in a packaged app, or
 * LIBRA_NATIVE_DIR — checks `addonVersion()` and its deny-reason table against what this code
 * expects, and otherwise falls back to the TypeScript implementations with ONE log line.
 *
 * `createRiskGate` / `createHmacSigner` / `createEd25519Signer` return the same interfaces
 * either way; `prefer` selects: 'native' (throw if unavailable), 'typescript', or 'auto'.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Addon from '../../../native/index';
import type { RiskConfig, RiskGate } from '../engine/risk/risk-gate';
import { TsRiskGate } from '../engine/risk/ts-risk-gate';
import { assertReasonTable, NativeRiskGate } from './native-risk-gate';
import { NativeEd25519Signer, NativeHmacSigner, TsEd25519Signer, TsHmacSigner } from './signing';
import type { Ed25519RequestSigner, HmacAlgorithm, HmacRequestSigner } from './signing';

export type { Ed25519RequestSigner, HmacAlgorithm, HmacRequestSigner, SignatureEncoding } from './signing';
export { NativeRiskGate } from './native-risk-gate';

/** Must equal the addon crate version (native/Cargo.toml [workspace.package] version). */
export const EXPECTED_ADDON_VERSION = '0.1.0';

export type NativeAddon = typeof Addon;
export type Preference = 'native' | 'typescript' | 'auto';

export type NativeLoadResult =
  | { readonly ok: true; readonly addon: NativeAddon; readonly dir: string }
  | { readonly ok: false; readonly reason: string };

export interface LoadOptions {
  /** Directories to try (each holding index.cjs); default: LIBRA_NATIVE_DIR, resources, repo. */
  readonly dirs?: readonly string[];
  readonly expectedVersion?: string;
  /** Where the one fallback line goes (default console.warn). */
  readonly log?: (line: string) => void;
}

function defaultDirs(): string[] {
  const dirs: string[] = [];
  const env = process.env.LIBRA_NATIVE_DIR;
  if (env) dirs.push(env);
  // Electron sets process.resourcesPath in packaged apps (extraResource: native/).
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (resources) dirs.push(join(resources, 'native'));
  // Development / CLI: walk up from this file to the repo root's native/.
  try {
    let dir = dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 8; i++) {
      dirs.push(join(dir, 'native'));
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch {
    // Bundled without import.meta.url: the env/resources entries remain.
  }
  dirs.push(join(process.cwd(), 'native'));
  return dirs;
}

/** Tries to load the addon; never throws. */
export function tryLoadNative(options: LoadOptions = {}): NativeLoadResult {
  const expected = options.expectedVersion ?? EXPECTED_ADDON_VERSION;
  const dirs = options.dirs ?? defaultDirs();
  const reasons: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(join(dir, 'index.cjs'))) continue;
    try {
      const addon = createRequire(join(dir, 'index.cjs'))(join(dir, 'index.cjs')) as NativeAddon;
      const version = addon.addonVersion();
      if (version !== expected) {
        reasons.push(`version mismatch in ${dir}: addon ${version}, expected ${expected}`);
        continue;
      }
      assertReasonTable(addon);
      return { ok: true, addon, dir };
    } catch (e) {
      reasons.push(`${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { ok: false, reason: reasons.length > 0 ? reasons.join('; ') : 'no native/index.cjs found' };
}

let cached: NativeLoadResult | undefined;

/**
 * The process-wide addon (loaded once). Logs ONE line when it falls back to TypeScript.
 * Returns undefined when unavailable.
 */
export function loadNative(options: LoadOptions = {}): NativeAddon | undefined {
  if (!cached) {
    cached = tryLoadNative(options);
    if (!cached.ok) (options.log ?? console.warn)(`[libra-native] native addon unavailable (${cached.reason}); using TypeScript risk gate and node:crypto signers`);
  }
  return cached.ok ? cached.addon : undefined;
}

/** For tests: forget the cached load result. */
export function resetNativeCache(): void {
  cached = undefined;
}

function pick(prefer: Preference, what: string): NativeAddon | undefined {
  if (prefer === 'typescript') return undefined;
  const addon = loadNative();
  if (!addon && prefer === 'native') throw new Error(`native ${what} requested but the addon is unavailable: ${cached && !cached.ok ? cached.reason : 'unknown'}`);
  return addon;
}

/**
 * The engine's risk gate. Default 'typescript': ADR-004 says migrate only what a benchmark
 * proves, and bench/risk.bench.ts measures the TypeScript gate faster in-process (≈ 45 ns per
 * check in a loop vs ≈ 240 ns for the native gate including the Node-API call; single-check p99
 * 571 ns vs 441 ns). The Rust gate stays authoritative-equivalent (parity-tested) and selectable.
 */
export function createRiskGate(config: RiskConfig, prefer: Preference = 'typescript'): RiskGate {
  const addon = pick(prefer, 'risk gate');
  return addon ? new NativeRiskGate(addon, config) : new TsRiskGate(config);
}

export function createHmacSigner(algorithm: HmacAlgorithm, secret: string | Uint8Array, prefer: Preference = 'auto'): HmacRequestSigner {
  const addon = pick(prefer, 'signer');
  return addon ? new NativeHmacSigner(addon, algorithm, secret) : new TsHmacSigner(algorithm, secret);
}

export function createEd25519Signer(seed32: Uint8Array, prefer: Preference = 'auto'): Ed25519RequestSigner {
  const addon = pick(prefer, 'signer');
  return addon ? new NativeEd25519Signer(addon, seed32) : new TsEd25519Signer(seed32);
}

export type SignerSpec =
  | { readonly kind: 'hmac'; readonly algorithm: HmacAlgorithm; readonly secret: string | Uint8Array }
  | { readonly kind: 'ed25519'; readonly seed: Uint8Array };

/** One entry point for both signer kinds. */
export function createSigner(spec: { readonly kind: 'hmac'; readonly algorithm: HmacAlgorithm; readonly secret: string | Uint8Array }, prefer?: Preference): HmacRequestSigner;
export function createSigner(spec: { readonly kind: 'ed25519'; readonly seed: Uint8Array }, prefer?: Preference): Ed25519RequestSigner;
export function createSigner(spec: SignerSpec, prefer: Preference = 'auto'): HmacRequestSigner | Ed25519RequestSigner {
  return spec.kind === 'hmac' ? createHmacSigner(spec.algorithm, spec.secret, prefer) : createEd25519Signer(spec.seed, prefer);
}
