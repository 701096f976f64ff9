/**
 * Signing and Node-API overhead: native (Rust, via the addon) vs node:crypto vs CCXT's default
 * pure-JS path, on one Binance-style order request (~160 bytes); and the async batch calls
 * (napi-rs AsyncTask on the libuv pool: Ed25519 signMany, risk checkSubmitBatchAsync) against
 * the synchronous ones — wall time, and how long the JS thread itself is busy. Prints ONE
 * JSON object.
 * Run: npx tsx bench/native.bench.ts   (the addon must be built: node scripts/native-build.js)
 */
import { createHmac, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import ccxt from 'ccxt';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { installNativeSigning } from '../src/main/native/ccxt-signing';
import { makeInstrument } from '../src/shared/domain/instrument';
import type { RiskOrder } from '../src/main/engine/risk/risk-gate';
import { loadNative } from '../src/main/native/index';
import { NativeRiskGate } from '../src/main/native/native-risk-gate';
import { NativeEd25519Signer, NativeHmacSigner, TsEd25519Signer } from '../src/main/native/signing';

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

// ---- async batches vs sync calls ----------------------------------------------------------
/** Best of `runs`: wall ms of `f` and ms the JS thread spent inside the call before it returned. */
async function timeAsync(runs: number, f: () => Promise<unknown>): Promise<{ wallMs: number; jsThreadMs: number }> {
  await f();
  let wall = Infinity;
  let js = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const p = f();
    const t1 = process.hrtime.bigint();
    await p;
    const t2 = process.hrtime.bigint();
    wall = Math.min(wall, Number(t2 - t0) / 1e6);
    js = Math.min(js, Number(t1 - t0) / 1e6);
  }
  return { wallMs: wall, jsThreadMs: js };
}
function timeSync(runs: number, f: () => unknown): number {
  f();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}
const SIGN_N = 2_000;
const payloads = Array.from({ length: SIGN_N }, (_, k) => `${QUERY}&n=${k}`);
const tsEd = new TsEd25519Signer(SEED);
const edSyncMs = timeSync(5, () => payloads.map((p) => edNative.sign(p)));
const edAsync = await timeAsync(5, () => edNative.signMany(payloads));
// Four batches at once: the libuv pool (4 threads by default) spreads them over the cores.
const quarter = SIGN_N / 4;
const edAsync4 = await timeAsync(5, () => Promise.all([0, 1, 2, 3].map((q) => edNative.signMany(payloads.slice(q * quarter, (q + 1) * quarter)))));
const edNodeAsync = await timeAsync(5, () => tsEd.signMany(payloads));

const inst = makeInstrument({ symbol: 'BTC/USDT', venue: 'BINANCE', tickSize: '0.01', lotSize: '0.00001', minNotional: 5 });
const gate = new NativeRiskGate(addon, { defaults: { maxOrderQty: 100, maxOrderNotional: 10_000_000, maxLong: 1e9, maxShort: 1e9, collarBps: 500 }, orderRate: { capacity: 1e12, perSecond: 1e9 }, maxOpenOrders: 1_000_000 });
gate.registerInstrument(inst);
gate.onReferencePrice(inst.id, 'last', 64_000);
const RISK_N = 10_000;
const riskOrders: RiskOrder[] = Array.from({ length: RISK_N }, (_, k) => ({ clientOrderId: `o${k}`, strategyId: 's1', instrumentId: inst.id, side: k % 2 ? 'SELL' : 'BUY', type: 'LIMIT', quantityRaw: 1 + (k % 997) * 13, priceRaw: 6_400_000 + (k % 1000), reduceOnly: false }));
const riskSyncMs = timeSync(10, () => gate.checkSubmitBatch(riskOrders, 4));
const riskAsync = await timeAsync(10, () => gate.checkSubmitBatchAsync(riskOrders, 4));
const ms = (x: number): number => Math.round(x * 1000) / 1000;

console.log(
  JSON.stringify({
    bench: 'native',
    payloadBytes: QUERY.length,
    unit: 'µs/op',
    hmacSha256: { native: round(hmacNative), nodeCrypto: round(hmacNode), ccxtNobleJs: round(hmacNoble), nodeVsNative: round(hmacNode / hmacNative), nobleVsNative: round(hmacNoble / hmacNative) },
    ccxtBinanceSign: { default: round(ccxtDefault), nativeInstalled: round(ccxtNative), speedup: round(ccxtDefault / ccxtNative) },
    ed25519: { native: round(edNativeUs), nodeCrypto: round(edNodeUs), ccxtNobleJs: round(edNobleUs), nodeVsNative: round(edNodeUs / edNativeUs), nobleVsNative: round(edNobleUs / edNativeUs) },
    napiCall: { noopNative: round(noopNative), noopJs: round(noopJs), overheadNs: Math.round((noopNative - noopJs) * 1000) },
    asyncBatch: {
      unit: 'ms per batch (best of 5-10); jsThreadMs = time the JS thread spends in the call before it returns',
      ed25519SignMany: {
        payloads: SIGN_N,
        syncLoop: ms(edSyncMs),
        asyncOneBatch: { wall: ms(edAsync.wallMs), jsThread: ms(edAsync.jsThreadMs) },
        asyncFourBatches: { wall: ms(edAsync4.wallMs), jsThread: ms(edAsync4.jsThreadMs) },
        nodeCryptoCallbacks: { wall: ms(edNodeAsync.wallMs), jsThread: ms(edNodeAsync.jsThreadMs) },
        jsThreadFreedShare: round(1 - edAsync.jsThreadMs / edSyncMs),
      },
      riskCheckBatch: {
        orders: RISK_N,
        sync: ms(riskSyncMs),
        async: { wall: ms(riskAsync.wallMs), jsThread: ms(riskAsync.jsThreadMs) },
        jsThreadFreedShare: round(1 - riskAsync.jsThreadMs / riskSyncMs),
      },
    },
  }),
);
