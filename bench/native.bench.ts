/**
 * Signing and Node-API overhead: native (Rust, via the addon) vs node:crypto vs CCXT's default
 * pure-JS path, on one Binance-style order request (~160 bytes). Prints ONE JSON object.
 * Run: npx tsx bench/native.bench.ts   (the addon must be built: node scripts/native-build.js)
 */
import { createHmac, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import ccxt from 'ccxt';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { installNativeSigning } from '../src/main/native/ccxt-signing';
import { loadNative } from '../src/main/native/index';
import { NativeEd25519Signer, NativeHmacSigner } from '../src/main/native/signing';

const addon = loadNative();
if (!addon) {
  console.log(JSON.stringify({ bench: 'native', error: 'addon not built' }));
  process.exit(0);
}

const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const QUERY = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.00150&price=64321.50&newClientOrderId=libra-0001-abcdef&recvWindow=5000&timestamp=1717171717171';
const SEED = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');

/** µs per op: best of 3 timed runs after a warm-up. */
function time(n: number, f: () => unknown): number {
  for (let i = 0; i < Math.min(n, 5000); i++) f();
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
  return best;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

// HMAC-SHA256 of the query.
const native = new NativeHmacSigner(addon, 'sha256', SECRET);
const enc = new TextEncoder();
const hmacNative = time(200_000, () => native.sign(QUERY, 'hex'));
const hmacNode = time(200_000, () => createHmac('sha256', SECRET).update(QUERY).digest('hex'));
const hmacNoble = time(50_000, () => Buffer.from(nobleHmac(sha256, enc.encode(SECRET), enc.encode(QUERY))).toString('hex'));

// Full CCXT binance.sign() (urlencode + HMAC), default vs native signing installed.
const params = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: '0.00150', price: '64321.50', newClientOrderId: 'libra-0001-abcdef', recvWindow: 5000 };
const exDefault = new ccxt.binance({ apiKey: 'k', secret: SECRET });
const exNative = new ccxt.binance({ apiKey: 'k', secret: '' });
installNativeSigning(exNative as never, { sha256: native });
const ccxtDefault = time(20_000, () => exDefault.sign('order', 'private', 'POST', { ...params }));
const ccxtNative = time(20_000, () => exNative.sign('order', 'private', 'POST', { ...params }));

// Ed25519.
const edNative = new NativeEd25519Signer(addon, SEED);
const nodeKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]), format: 'der', type: 'pkcs8' });
const edNativeUs = time(20_000, () => edNative.sign(QUERY));
const edNodeUs = time(20_000, () => cryptoSign(null, Buffer.from(QUERY), nodeKey));
const edNobleUs = time(2_000, () => ed25519.sign(enc.encode(QUERY), SEED)); // what CCXT's eddsa() runs

// Node-API crossing.
const jsNoop = (): void => {};
const noopNative = time(2_000_000, () => addon.noop());
const noopJs = time(2_000_000, jsNoop);

console.log(
  JSON.stringify({
    bench: 'native',
    payloadBytes: QUERY.length,
    unit: 'µs/op',
    hmacSha256: { native: round(hmacNative), nodeCrypto: round(hmacNode), ccxtNobleJs: round(hmacNoble), nodeVsNative: round(hmacNode / hmacNative), nobleVsNative: round(hmacNoble / hmacNative) },
    ccxtBinanceSign: { default: round(ccxtDefault), nativeInstalled: round(ccxtNative), speedup: round(ccxtDefault / ccxtNative) },
    ed25519: { native: round(edNativeUs), nodeCrypto: round(edNodeUs), ccxtNobleJs: round(edNobleUs), nodeVsNative: round(edNodeUs / edNativeUs), nobleVsNative: round(edNobleUs / edNativeUs) },
    napiCall: { noopNative: round(noopNative), noopJs: round(noopJs), overheadNs: Math.round((noopNative - noopJs) * 1000) },
  }),
);
