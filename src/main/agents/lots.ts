/** Quantity rounding for proposals: a model's quantity is rounded down to the lot, never up. */
import type { Instrument } from '../../shared/domain/instrument';
import { floorToLot, qtyToNumber } from '../../shared/domain/instrument';

export function floorToLotDecimal(quantity: number, inst: Instrument): number {
  if (!Number.isFinite(quantity) || quantity <= 0) return 0;
  // The epsilon absorbs binary noise (0.3 arriving as 0.29999999999999999) without ever rounding up a real fraction of a lot.
  const raw = Math.floor(quantity * 10 ** inst.sizePrecision + 1e-7);
  return qtyToNumber(inst, floorToLot(inst, raw));
}
