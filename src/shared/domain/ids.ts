/** Identifiers. Client order ids are deterministic per engine (no randomness in the engine). */
export type StrategyId = string;
export type ClientOrderId = string;

const CLIENT_ORDER_ID = /^[A-Za-z0-9._:-]{1,36}$/;

/** Venues limit client order ids to ≤ 36 safe characters (Binance: 36, OKX: 32 alphanumerics). */
export function isValidClientOrderId(id: string): boolean {
  return CLIENT_ORDER_ID.test(id);
}
