/**
 * Signers, native and TypeScript, against RFC 4231 (HMAC-SHA256/512), RFC 8032 (Ed25519) and
 * the worked example of Binance's API docs; plus key hygiene and the loader's fallback.
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEd25519Signer, createHmacSigner, createRiskGate, createSigner, loadNative, resetNativeCache, tryLoadNative } from './index';
import { NativeEd25519Signer, NativeHmacSigner, TsEd25519Signer, TsHmacSigner } from './signing';
import type { Ed25519RequestSigner, HmacAlgorithm, HmacRequestSigner } from './signing';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

const RFC4231: Array<{ key: Buffer; data: Buffer; sha256: string; sha512: string }> = [
  { key: Buffer.alloc(20, 0x0b), data: Buffer.from('Hi There'), sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', sha512: '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854' },
  { key: Buffer.from('Jefe'), data: Buffer.from('what do ya want for nothing?'), sha256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', sha512: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737' },
  { key: Buffer.alloc(20, 0xaa), data: Buffer.alloc(50, 0xdd), sha256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe', sha512: 'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb' },
  { key: Buffer.from(Array.from({ length: 25 }, (_, i) => i + 1)), data: Buffer.alloc(50, 0xcd), sha256: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b', sha512: 'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd' },
  { key: Buffer.alloc(131, 0xaa), data: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'), sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', sha512: '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598' },
  { key: Buffer.alloc(131, 0xaa), data: Buffer.from('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'), sha256: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2', sha512: 'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58' },
];

const RFC8032 = [
  { seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', msg: '', sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b' },
  { seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', msg: '72', sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00' },
  { seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', pub: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', msg: 'af82', sig: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a' },
];

const BINANCE_SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const BINANCE_QUERY = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
const BINANCE_SIGNATURE = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';

const loaded = tryLoadNative();
if (!loaded.ok) console.warn(`[signing.test] addon not built — native signer tests skipped (${loaded.reason})`);

type HmacFactory = (alg: HmacAlgorithm, secret: string | Uint8Array) => HmacRequestSigner;
type EdFactory = (seed: Uint8Array) => Ed25519RequestSigner;
const impls: Array<[string, HmacFactory, EdFactory]> = [['typescript', (a, s) => new TsHmacSigner(a, s), (s) => new TsEd25519Signer(s)]];
if (loaded.ok) {
  const addon = loaded.addon;
  impls.push(['native', (a, s) => new NativeHmacSigner(addon, a, s), (s) => new NativeEd25519Signer(addon, s)]);
}

for (const [name, hmac, ed] of impls) {
  describe(`${name} signers`, () => {
    it('HMAC-SHA256 and HMAC-SHA512 match RFC 4231', () => {
      for (const v of RFC4231) {
        expect(hmac('sha256', v.key).sign(v.data, 'hex')).toBe(v.sha256);
        expect(hmac('sha512', v.key).sign(v.data, 'hex')).toBe(v.sha512);
        expect(hmac('sha256', v.key).sign(v.data, 'base64')).toBe(hex(v.sha256).toString('base64'));
      }
    });

    it("HMAC-SHA256 matches the worked example of Binance's API docs (string and Buffer payloads)", () => {
      const s = hmac('sha256', BINANCE_SECRET);
      expect(s.sign(BINANCE_QUERY, 'hex')).toBe(BINANCE_SIGNATURE);
      expect(s.sign(Buffer.from(BINANCE_QUERY), 'hex')).toBe(BINANCE_SIGNATURE);
      expect(s.sign(new TextEncoder().encode(BINANCE_QUERY), 'hex')).toBe(BINANCE_SIGNATURE);
    });

    it('signs long and non-ASCII payloads like node:crypto', () => {
      const s = hmac('sha512', 'k');
      for (const p of ['', 'é€😀'.repeat(300), 'x'.repeat(1021), 'x'.repeat(1020) + '€', 'a'.repeat(100_000)]) {
        expect(s.sign(p, 'hex')).toBe(new TsHmacSigner('sha512', 'k').sign(p, 'hex'));
      }
    });

    it('Ed25519 matches RFC 8032 test vectors', () => {
      for (const v of RFC8032) {
        const s = ed(hex(v.seed));
        expect(s.publicKey().toString('hex')).toBe(v.pub);
        expect(s.sign(hex(v.msg)).toString('hex')).toBe(v.sig);
      }
    });

    it('signMany signs every payload off the JS thread, each exactly as sign() does, in order', async () => {
      const v = RFC8032[1]!;
      const s = ed(hex(v.seed));
      const payloads: Array<string | Uint8Array> = [hex(v.msg), ...Array.from({ length: 300 }, (_, k) => (k % 2 === 0 ? `order-${k}-é€` : Buffer.from(`buf-${k}`.repeat(k))))];
      const sigs = await s.signMany(payloads);
      expect(sigs).toHaveLength(payloads.length);
      expect(sigs[0]!.toString('hex')).toBe(v.sig);
      const pub = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), s.publicKey()]), format: 'der', type: 'spki' });
      payloads.forEach((p, k) => {
        expect(sigs[k]!.equals(s.sign(p))).toBe(true);
        expect(cryptoVerify(null, typeof p === 'string' ? Buffer.from(p) : p, pub, sigs[k]!)).toBe(true);
      });
      expect(await s.signMany([])).toEqual([]);
    });

    it('refuses an empty HMAC secret and a seed that is not 32 bytes, without echoing them', () => {
      expect(() => hmac('sha256', '')).toThrow(expect.objectContaining({ code: 'ERR_SIGN_EMPTY_SECRET' }));
      const seed = Buffer.alloc(31, 0x41);
      try {
        ed(seed);
        expect.unreachable();
      } catch (e) {
        expect((e as { code: string }).code).toBe('ERR_SIGN_BAD_SEED');
        expect(String((e as Error).message)).not.toContain(seed.toString());
      }
    });

    it('never exposes the key through the object', () => {
      const s = hmac('sha256', BINANCE_SECRET);
      expect(JSON.stringify(s)).not.toContain(BINANCE_SECRET);
      expect(Object.values(s).some((v) => typeof v === 'string' && v.includes(BINANCE_SECRET))).toBe(false);
    });
  });
}

describe('factories and fallback', () => {
  it('createSigner builds HMAC and Ed25519 signers with the requested implementation', () => {
    const h = createSigner({ kind: 'hmac', algorithm: 'sha256', secret: BINANCE_SECRET }, 'typescript');
    expect(h.implementation).toBe('typescript');
    expect(h.sign(BINANCE_QUERY, 'hex')).toBe(BINANCE_SIGNATURE);
    const e = createSigner({ kind: 'ed25519', seed: hex(RFC8032[0]!.seed) });
    expect(e.publicKey().toString('hex')).toBe(RFC8032[0]!.pub);
    expect(createHmacSigner('sha512', 'k').implementation).toBe(loaded.ok ? 'native' : 'typescript');
    expect(createEd25519Signer(hex(RFC8032[1]!.seed), 'typescript').implementation).toBe('typescript');
    expect(createRiskGate({ defaults: {} }, 'typescript').implementation).toBe('typescript');
    // The risk gate defaults to TypeScript (faster in-process, see bench/risk.bench.ts); signing to native.
    expect(createRiskGate({ defaults: {} }).implementation).toBe('typescript');
    expect(createRiskGate({ defaults: {} }, 'auto').implementation).toBe(loaded.ok ? 'native' : 'typescript');
  });

  it('reports a missing addon or a version mismatch instead of loading it', () => {
    expect(tryLoadNative({ dirs: ['/nonexistent'] })).toEqual({ ok: false, reason: 'no native/index.cjs found' });
    if (loaded.ok) {
      const r = tryLoadNative({ dirs: [loaded.dir], expectedVersion: '9.9.9' });
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.reason).toMatch(/version mismatch.*addon 0\.1\.0, expected 9\.9\.9/);
    }
  });

  it('falls back with exactly one log line when the addon is missing', () => {
    resetNativeCache();
    const lines: string[] = [];
    expect(loadNative({ dirs: ['/nonexistent'], log: (l) => lines.push(l) })).toBeUndefined();
    expect(loadNative({ dirs: ['/nonexistent'], log: (l) => lines.push(l) })).toBeUndefined();
    expect(lines).toEqual(['[libra-native] native addon unavailable (no native/index.cjs found); using TypeScript risk gate and node:crypto signers']);
    resetNativeCache();
  });
});
