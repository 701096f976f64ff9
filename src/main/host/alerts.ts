/**
 * Price alerts, kept and checked on the engine side so they fire with every window closed.
 * An alert remembers on which side of the market it was set: 'above' fires when a bar's high
 * reaches the price, 'below' when a bar's low does. Each alert fires once. Pure: no I/O; the
 * host persists `all()` if it wants to.
 */
import type { AlertView } from '../../shared/ipc/views';

export class AlertBook {
  private readonly alerts = new Map<string, AlertView>();
  private seq = 0;

  constructor(initial: readonly AlertView[] = []) {
    for (const a of initial) {
      this.alerts.set(a.id, a);
      const n = Number(/^A(\d+)$/.exec(a.id)?.[1] ?? 0);
      if (n > this.seq) this.seq = n;
    }
  }

  set(instrumentId: string, symbol: string, price: number, last: number | undefined, now: number): AlertView {
    const alert: AlertView = {
      id: `A${++this.seq}`,
      instrumentId,
      symbol,
      price,
      direction: last === undefined || price >= last ? 'above' : 'below',
      status: 'active',
      createdAt: now,
      firedAt: null,
      firedPrice: null,
    };
    this.alerts.set(alert.id, alert);
    return alert;
  }

  remove(id: string): boolean {
    return this.alerts.delete(id);
  }

  all(): AlertView[] {
    return [...this.alerts.values()];
  }

  /** Checks one bar (or tick: high = low = price); returns the alerts that fired now. */
  check(instrumentId: string, high: number, low: number, ts: number): AlertView[] {
    const fired: AlertView[] = [];
    for (const a of this.alerts.values()) {
      if (a.status !== 'active' || a.instrumentId !== instrumentId) continue;
      const hit = a.direction === 'above' ? high >= a.price : low <= a.price;
      if (!hit) continue;
      const next: AlertView = { ...a, status: 'fired', firedAt: ts, firedPrice: a.price };
      this.alerts.set(a.id, next);
      fired.push(next);
    }
    return fired;
  }
}
