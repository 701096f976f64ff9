/**
 * A terminal progress bar for long runs (imports, backtests, optimisation):
 *
 *   Backtest [#########.............]  42.3%  1.2M/2.9M bars  310k/s  ETA 5s
 *
 * It redraws one line with `\r`, at most once per `throttleMs` (a redraw per bar would cost more
 * than the backtest), and only on a TTY: piped into a file or CI log it stays silent unless
 * `force` is set, because hundreds of `\r` frames make a log unreadable. Time is injectable for
 * tests.
 */

export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** Total units of work; 0 or unknown shows counts and rate without % or ETA. */
  readonly total: number;
  readonly label?: string;
  /** Unit name shown after the counts, e.g. 'bars'. */
  readonly unit?: string;
  /** Minimum ms between redraws (default 100). */
  readonly throttleMs?: number;
  /** Draw even when the stream is not a TTY. */
  readonly force?: boolean;
  /** Bar width in characters (default: fits the terminal, 10..40). */
  readonly width?: number;
  /** Clock in ms (default performance.now). */
  readonly now?: () => number;
}

export interface ProgressBar {
  /** Sets the amount done (absolute). */
  update(done: number): void;
  /** Adds to the amount done. */
  tick(delta?: number): void;
  /** Draws the final state and ends the line. Idempotent. */
  finish(): void;
  readonly enabled: boolean;
}

/** 1234 → "1.2k", 2_900_000 → "2.9M". */
export function compactCount(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

/** Seconds → "5s", "3m 20s", "2h 05m". */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgressBar(opts: ProgressOptions): ProgressBar {
  const enabled = opts.force === true || opts.stream.isTTY === true;
  const now = opts.now ?? (() => performance.now());
  const throttle = opts.throttleMs ?? 100;
  const start = now();
  let done = 0;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLen = 0;
  let finished = false;

  const render = (): string => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const unit = opts.unit ? ` ${opts.unit}` : '';
    const label = opts.label ? `${opts.label} ` : '';
    if (opts.total > 0) {
      const frac = Math.min(1, Math.max(0, done / opts.total));
      const width = opts.width ?? Math.max(10, Math.min(40, (opts.stream.columns ?? 80) - 60));
      const filled = Math.round(frac * width);
      const eta = rate > 0 ? formatEta((opts.total - done) / rate) : '--';
      return `${label}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1).padStart(5)}%  ${compactCount(done)}/${compactCount(opts.total)}${unit}  ${compactCount(rate)}/s  ETA ${finished ? '0s' : eta}`;
    }
    return `${label}${compactCount(done)}${unit}  ${compactCount(rate)}/s  ${formatEta(elapsed)}`;
  };

  const draw = (force: boolean): void => {
    if (!enabled) return;
    const t = now();
    if (!force && t - lastDraw < throttle) return;
    lastDraw = t;
    const line = render();
    // Pad over the previous frame so a shorter line leaves no stale characters.
    opts.stream.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
    lastLen = line.length;
  };

  return {
    enabled,
    update(n: number): void {
      if (finished) return;
      done = n;
      draw(false);
    },
    tick(delta = 1): void {
      if (finished) return;
      done += delta;
      draw(false);
    },
    finish(): void {
      if (finished) return;
      finished = true;
      if (opts.total > 0) done = Math.max(done, opts.total);
      if (!enabled) return;
      draw(true);
      opts.stream.write('\n');
    },
  };
}
