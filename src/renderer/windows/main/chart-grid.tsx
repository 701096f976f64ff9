/**
 * The centre of the main window: 1, 2 (side by side) or 4 (2×2) docked charts. The first follows
 * the watchlist; each other cell picks its own symbol (kept in the layout) and, like every chart,
 * keeps its own timeframe, indicators and scale. "Pop out" opens the cell's chart in its own
 * window and leaves the cell docked (its window's "Back to main window" closes it again).
 */
import type { InstrumentView } from '../../../shared/ipc/views';
import { DockedChart } from './docked-chart';
import type { GridSize } from './layout';

export function ChartGrid({ grid, instruments, first, cells, onCellSymbol }: { grid: GridSize; instruments: readonly InstrumentView[]; first: InstrumentView; cells: readonly (string | null)[]; onCellSymbol: (cell: number, instrumentId: string) => void }) {
  const firstIndex = Math.max(0, instruments.findIndex((i) => i.id === first.id));
  const instrumentOf = (cell: number): InstrumentView => {
    if (cell === 0) return first;
    const chosen = instruments.find((i) => i.id === cells[cell - 1]);
    return chosen ?? instruments[(firstIndex + cell) % instruments.length] ?? first;
  };
  return (
    <div className={`chart-grid chart-grid-${grid}`} data-testid="chart-grid" data-grid={grid}>
      {Array.from({ length: grid }, (_, cell) => {
        const inst = instrumentOf(cell);
        const testId = cell === 0 ? 'docked-chart' : `docked-chart-${cell + 1}`;
        const picker =
          cell === 0 ? undefined : (
            <select aria-label={`Chart ${cell + 1} symbol`} value={inst.id} onChange={(e) => onCellSymbol(cell - 1, e.target.value)} data-testid="docked-symbol">
              {instruments.map((i) => (
                <option key={i.id} value={i.id}>{i.symbol}</option>
              ))}
            </select>
          );
        return <DockedChart key={cell} instrument={inst} testId={testId} symbolPicker={picker} />;
      })}
    </div>
  );
}
