/**
 * Prices by instrument, set on every bar or tick: each instrument keeps one mutable box, so an
 * update writes a number in place instead of storing a new one in the map (a Map holding
 * doubles allocates on every set — per bar, that is garbage the backtest does not need).
 * The box last used is remembered: a run over one instrument (most backtests) sets and reads
 * its price without a map lookup. Boxes are never removed, so the remembered one stays valid.
 */
export class PriceMap {
  private readonly boxes = new Map<string, { v: number }>();
  private lastId: string | undefined = undefined;
  private lastBox: { v: number } | undefined = undefined;

  set(id: string, price: number): void {
    if (id === this.lastId) {
      (this.lastBox as { v: number }).v = price;
      return;
    }
    let box = this.boxes.get(id);
    if (box === undefined) {
      box = { v: price };
      this.boxes.set(id, box);
    } else box.v = price;
    this.lastId = id;
    this.lastBox = box;
  }

  get(id: string): number | undefined {
    if (id === this.lastId) return (this.lastBox as { v: number }).v;
    return this.boxes.get(id)?.v;
  }

  has(id: string): boolean {
    return id === this.lastId || this.boxes.has(id);
  }
}
