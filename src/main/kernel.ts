/**
 * The one composition root. It builds the engine and its adapters (venues, storage, native
 * addon, …) from a config; the Electron app, `libra serve`, the CLI and the integration tests all
 * start here. The engine defines the interfaces it needs; adapters implement them; only the
 * kernel knows both.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Instrument } from '../shared/domain/instrument';
import type { RiskConfig, RiskGate } from './engine/risk/risk-gate';
import { createTsRiskGate } from './engine/risk/ts-risk-gate';
import { runBacktest } from './backtest/runner';
import type { BacktestResult, BacktestSpec } from './backtest/runner';

export interface KernelConfig {
  /** Where stores and settings live (default: the user's data folder). */
  readonly dataDir?: string;
  readonly risk?: RiskConfig;
}

/** Risk limits used when none are configured: permissive per-order limits, no halts. */
export const DEFAULT_RISK: RiskConfig = {
  defaults: {},
  referencePrice: 'last',
  maxOpenOrders: 1000,
};

/** The user's data folder: LIBRA_DATA_DIR, else the platform's conventional place. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIBRA_DATA_DIR) return env.LIBRA_DATA_DIR;
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'LIBRA');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'LIBRA');
    default:
      return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'libra');
  }
}

export class Kernel {
  readonly dataDir: string;
  readonly risk: RiskConfig;

  constructor(config: KernelConfig = {}) {
    this.dataDir = config.dataDir ?? defaultDataDir();
    this.risk = config.risk ?? DEFAULT_RISK;
  }

  ensureDataDir(): string {
    mkdirSync(this.dataDir, { recursive: true });
    return this.dataDir;
  }

  /** A fresh risk gate for one engine (backtest or live), the faster implementation available. */
  createRiskGate(instruments: readonly Instrument[] = []): RiskGate {
    const gate = createTsRiskGate(this.risk);
    for (const i of instruments) gate.registerInstrument(i);
    return gate;
  }

  /** Runs a backtest through the same engine components as live trading. */
  async backtest(spec: Omit<BacktestSpec, 'risk'> & { risk?: RiskGate }): Promise<BacktestResult> {
    return runBacktest({ ...spec, risk: spec.risk ?? this.createRiskGate() });
  }
}
