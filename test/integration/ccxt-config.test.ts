/**
 * Run config validation (errors name the field) and the encrypted key file (round trip,
 * tamper detection, redaction, testnet/production tagging, withdrawal check "can't tell").
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseRunConfig } from '../../src/main/config/run-config';
import { ApiKey, assertEndpointMatches, assertNoWithdrawal, binanceWithdrawalCheck, FileSecretStore, SecretError, writeKeyFile } from '../../src/main/config/secrets';
import { makeCcxtClient, startBinanceSim } from '../sim/binance';

const good = {
  venues: [{ ccxtId: 'binance', mode: 'paper', symbols: ['BTC/USDT'] }],
  strategies: [{ strategy: 'sma-cross', instruments: ['BTC/USDT@BINANCE'], params: { fast: 5 } }],
};

describe('run config', () => {
  it('accepts a minimal config and fills defaults', () => {
    const c = parseRunConfig(good);
    expect(c.venues[0]?.sandbox).toBe(false);
    expect(c.strategies[0]?.timeframe).toBe('1m');
  });

  it('names the bad field and what was expected', () => {
    const bad = { ...good, venues: [{ ...good.venues[0], mode: 'real' }] };
    expect(() => parseRunConfig(bad)).toThrow(ConfigError);
    expect(() => parseRunConfig(bad)).toThrow('venues[0].mode: expected "paper" | "live", got "real"');
    expect(() => parseRunConfig({ ...good, venues: [{ ...good.venues[0], mode: 'live' }] })).toThrow('venues[0].keyId: required in live mode');
    expect(() => parseRunConfig({ ...good, strategies: [{ strategy: 'x', instruments: ['BTCUSDT'] }] })).toThrow(/strategies\[0\]\.instruments\[0\]: .*instrument id/);
    expect(() => parseRunConfig({ ...good, colour: 'red' })).toThrow('unknown field(s) colour');
  });
});

describe('secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'libra-keys-'));
  const path = join(dir, 'keys.json');
  const material = { id: 'bn', venue: 'binance', environment: 'testnet' as const, apiKey: 'AKIA-very-secret-api-key-1234', secret: 'super-secret-value-5678' };

  it('round-trips through AES-256-GCM + scrypt, and a tampered file is refused', async () => {
    writeKeyFile(path, [material], 'correct horse');
    expect(readFileSync(path, 'utf8')).not.toContain('super-secret');
    const store = new FileSecretStore(path, 'correct horse');
    expect((await store.get('bn'))?.material.secret).toBe('super-secret-value-5678');
    expect(() => new FileSecretStore(path, 'wrong')).toThrow(SecretError);
    const f = JSON.parse(readFileSync(path, 'utf8')) as { data: string };
    f.data = Buffer.from('tampered').toString('base64');
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(f));
    expect(() => new FileSecretStore(join(dir, 'bad.json'), 'correct horse')).toThrow('wrong passphrase or the file was modified');
  });

  it('never prints the secret', () => {
    const k = new ApiKey(material);
    for (const s of [String(k), JSON.stringify(k), inspect(k), `${k}`, JSON.stringify({ k })]) {
      expect(s).not.toContain('super-secret');
      expect(s).not.toContain('very-secret');
    }
  });

  it('refuses a testnet key on production and a production key on testnet', () => {
    expect(() => assertEndpointMatches(new ApiKey(material), false)).toThrow('testnet key');
    expect(() => assertEndpointMatches(new ApiKey({ ...material, environment: 'production' }), true)).toThrow('production key');
    expect(() => assertEndpointMatches(new ApiKey(material), true)).not.toThrow();
  });

  it('withdrawal permission: "cannot tell" on the simulator is explicit, refused by default', async () => {
    const sim = await startBinanceSim();
    const ex = makeCcxtClient(sim);
    try {
      const key = new ApiKey({ ...material, environment: 'production' });
      const check = binanceWithdrawalCheck(ex as unknown as Parameters<typeof binanceWithdrawalCheck>[0]);
      expect(await check.check()).toBe('UNKNOWN');
      await expect(assertNoWithdrawal(key, check)).rejects.toThrow('cannot tell');
      expect(await assertNoWithdrawal(key, check, true)).toBe('UNKNOWN');
      await expect(assertNoWithdrawal(key, { check: async () => 'ENABLED' })).rejects.toThrow('withdrawal permission');
    } finally {
      await ex.close();
      await sim.close();
    }
  });
});
