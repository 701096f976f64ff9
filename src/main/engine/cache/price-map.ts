/**
 * Prices by instrument, set on every bar or tick: each instrument keeps one mutable box, so an
 * update writes a number in place instead of storing a new one in the map (a Map holding
 * doubles allocates on every set — per bar, that is garbage the backtest does not need).
 * The box last used is remembered: a run over one instrument (most backtests) sets and reads
 * its price without a map lookup. Boxes are never removed, so the remembered one stays valid.
 *
 * Per-event paths write the box itself (`cell(id).v = price`) rather than call `set`: V8 boxes a
 * number passed to an inlined function that has a call on a cold path (here the first set of an
 * instrument), one allocation per event; a number stored into the cell is written in place.
 */
export interface PriceCell {
  v: number;
}

export class PriceMap {
  private readonly boxes = new Map<string, PriceCell>();
  private lastId: string | undefined = undefined;
  private lastBox: PriceCell | undefined = undefined;

  /** The box of an instrument's price, made (NaN) on first use: write `.v` at once — that is `set`. */
  cell(id: string): PriceCell {
    return id === this.lastId ? (this.lastBox as PriceCell) : this.cellOf(id);
  }

  set(id: string, price: number): void {
    this.cell(id).v = price;
  }

  private cellOf(id: string): PriceCell {
    let box = this.boxes.get(id);
    if (box === undefined) {
      // Made holding a double (NaN) whatever the first price: the field then stays a double,
      // updated in place (a box made with a small integer would hold every later price boxed).
      box = { v: NaN };
      this.boxes.set(id, box);
    }
    this.lastId = id;
    this.lastBox = box;
    return box;
  }

  get(id: string): number | undefined {
    if (id === this.lastId) return (this.lastBox as PriceCell).v;
    return this.boxes.get(id)?.v;
  }

  has(id: string): boolean {
    return id === this.lastId || this.boxes.has(id);
  }
}
