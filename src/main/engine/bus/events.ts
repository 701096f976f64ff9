/** Event payloads that are not domain objects themselves. */
import type { OrderIntent } from '../../../shared/domain/order';
import type { DenyReason } from '../risk/risk-gate';

export interface OrderDenied {
  readonly clientOrderId: string;
  readonly strategyId: string;
  readonly intent: OrderIntent;
  readonly reason: DenyReason;
  readonly message: string;
  readonly ts: number;
}

export interface GatewayStatus {
  readonly venue: string;
  readonly ts: number;
  readonly reason?: string;
}
