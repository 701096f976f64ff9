/** Event payloads that are not domain objects themselves. */
import type { OrderIntent } from '../../../shared/domain/order';
import type { DenyReason } from '../risk/risk-gate';
import type { INSUFFICIENT_BALANCE } from '../execution/balance-locks';

export interface OrderDenied {
  readonly clientOrderId: string;
  readonly strategyId: string;
  readonly intent: OrderIntent;
  /** A gate reason, or the balance stage's INSUFFICIENT_BALANCE (execution/balance-locks.ts). */
  readonly reason: DenyReason | typeof INSUFFICIENT_BALANCE;
  readonly message: string;
  readonly ts: number;
}

export interface GatewayStatus {
  readonly venue: string;
  readonly ts: number;
  readonly reason?: string;
}
