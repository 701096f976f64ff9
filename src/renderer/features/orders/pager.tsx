/** Paging for the tables: 100 rows a page, "1–100 of 250" with previous / next. */
export const PAGE_ROWS = 100;

export function pageOf<T>(rows: readonly T[], page: number): { rows: readonly T[]; page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
  const p = Math.min(Math.max(0, page), pages - 1);
  return { rows: rows.slice(p * PAGE_ROWS, (p + 1) * PAGE_ROWS), page: p, pages };
}

export function Pager({ total, page, pages, onPage, testId }: { total: number; page: number; pages: number; onPage: (p: number) => void; testId: string }) {
  if (pages <= 1) return null;
  const from = page * PAGE_ROWS + 1;
  const to = Math.min(total, (page + 1) * PAGE_ROWS);
  return (
    <div className="pager" data-testid={testId}>
      <span data-testid={`${testId}-range`}>{from}–{to} of {total}</span>
      <button type="button" className="small" disabled={page === 0} onClick={() => onPage(page - 1)} aria-label="Previous page">‹ Prev</button>
      <button type="button" className="small" disabled={page >= pages - 1} onClick={() => onPage(page + 1)} aria-label="Next page">Next ›</button>
    </div>
  );
}
