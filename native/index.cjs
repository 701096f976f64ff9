/**
 * Loader for the LIBRA native addon (committed; the `.node` binary is built by
 * scripts/native-build.js and git-ignored). This folder is CommonJS (native/package.json) so
 * that `createRequire(import.meta.url)('./native')` works from the ESM repo root.
 *
 * The binary is named like @napi-rs/cli's `--platform` output: libra-native.<platform>-<arch>[-abi].node.
 * LIBRA_NATIVE_PATH overrides the file (tests, packaged apps with a custom layout).
 * Throws if no binary matches this platform; src/main/native/index.ts turns that into a fallback.
 */
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    const report = process.report && process.report.getReport();
    return !(report && report.header && report.header.glibcVersionRuntime);
  } catch {
    return false;
  }
}

function platformSuffix() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`; // darwin-arm64, darwin-x64, freebsd-x64
}

const file = process.env.LIBRA_NATIVE_PATH || join(__dirname, `libra-native.${platformSuffix()}.node`);
if (!existsSync(file)) {
  const err = new Error(`libra-native: no binary for ${platformSuffix()} at ${file} (run: node scripts/native-build.js)`);
  err.code = 'ERR_LIBRA_NATIVE_NOT_BUILT';
  throw err;
}
module.exports = require(file);
module.exports.binaryPath = file;
