/**
 * Optimisation: parameter grids searched through the event-driven engine across worker
 * threads (optimize.ts), walk-forward, Monte Carlo of trade order, the look-ahead detector
 * (lookahead.ts) and their reports.
 */
export { expandGrid, GridError, MAX_GRID_SETS, parseGridAxis } from './grid';
export type { GridAxis, ParamSet } from './grid';
export { isObjective, objectiveValue, OBJECTIVES } from './objective';
export type { Objective } from './objective';
export { OptimizeCancelledError, optimizeFeed, OptimizeInputError } from './optimize';
export { heatmapCells } from './report';
export type { OptimizeOutcome, OptimizeRequest, RankedSet, WalkForwardFold, WalkForwardResult } from './optimize';
export type { MonteCarloResult } from './monte-carlo';
export type { CostSettings } from './evaluate';
export { formatOptimizeTable, optimizeJson, renderOptimizeHtml } from './report';
export { checkLookahead, chooseCuts } from './lookahead';
export type { LookaheadFinding, LookaheadReport, LookaheadRequest } from './lookahead';
