export { computeMetrics, type Metrics, type MetricsInput } from './compute-metrics.js';
export { applyFill, closeAtEnd, INITIAL_TRACKER, roundTrips, roundTripToJson, type RoundTrip, type RoundTripJson, type TradeFill, type TradeSide, type TradeTrackerState } from './round-trips.js';
export { annualization, describeInterval, medianSpacing, DAY_MS, type Annualization } from './annualization.js';
export { drawdownSeries, drawdownStats, type DrawdownStats } from './drawdown.js';
