/**
 * Prices by instrument, set on every bar or tick: each instrument keeps one mutable box, so an
 * update writes a number in place instead of storing a new one in the map (a Map holding
 * doubles allocates on every set — per bar, that is garbage the backtest does not need).
 */
export class PriceMap {
  private readonly boxes = new Map<string, { v: number }>();

  set(id: string, price: number): void {
    const box = this.boxes.get(id);
    if (box === undefined) this.boxes.set(id, { v: price });
    else box.v = price;
  }

  get(id: string): number | undefined {
    return this.boxes.get(id)?.v;
  }

  has(id: string): boolean {
    return this.boxes.has(id);
  }
}
