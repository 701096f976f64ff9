/**
 * Backtest report: statistics (stats.ts), the terminal table and JSON (format.ts), the
 * self-contained HTML page (html.ts) and a terminal progress bar (progress.ts).
 */
export type { Benchmark, EquityPoint, IndicatorLine, MonthlyReturn, OrderIssue, OrderIssues, ReportInput, ReportInstrument, ReportStats, ReportTrade, TradeSideLabel } from './types';
export { monthlyReturns } from './monthly';
export { computeStats, maxDrawdown, periodReturns, YEAR_MS } from './stats';
export { formatReportTable, reportJsonString, toReportJson, statRows, fmtDuration, fmtNumber, fmtPercent, fmtTime } from './format';
export type { ReportJson } from './format';
export { renderReportHtml, downsampleMinMax, drawdownCurve, escapeHtml, niceTicks } from './html';
export type { HtmlReportOptions } from './html';
export { createProgressBar, compactCount, formatEta } from './progress';
export type { ProgressBar, ProgressOptions, ProgressStream } from './progress';
