export { computeMetrics, type Metrics, type MetricsInput } from './compute-metrics.js';
export { roundTrips, roundTripToJson, type RoundTrip, type RoundTripJson, type TradeFill, type TradeSide } from './round-trips.js';
export { annualization, describeInterval, medianSpacing, DAY_MS, type Annualization } from './annualization.js';
export { drawdownSeries, drawdownStats, type DrawdownStats } from './drawdown.js';
