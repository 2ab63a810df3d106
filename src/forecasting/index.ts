// Classical forecasting baselines and M-competition accuracy measures (browser-safe, no I/O).
export { symmetricMape, forecastMase, overallWeightedAverage, intervalCoverage, meanScaledIntervalScore } from './accuracy.js';
export { autocorrelation, seasonalityTest, decomposeMultiplicative, m4SeasonalIndices } from './seasonality.js';
export type { SeasonalityTestResult, MultiplicativeDecomposition } from './seasonality.js';
export { nelderMead } from './nelder-mead.js';
export type { NelderMeadOptions, NelderMeadResult } from './nelder-mead.js';
export { fitExponentialSmoothing, forecastExponentialSmoothing } from './exponential-smoothing.js';
export type { ExponentialSmoothingFit, SmoothingTrend } from './exponential-smoothing.js';
export { thetaClassic, thetaf } from './theta.js';
export { naiveForecast, seasonalNaiveForecast, m4Benchmarks, benchmarkForecast, BENCHMARK_METHODS } from './benchmarks.js';
export type { BenchmarkMethod, BenchmarkForecasts } from './benchmarks.js';
export { naiveInterval, exponentialSmoothingInterval, m4BenchmarkIntervals } from './intervals.js';
export type { PredictionInterval, IntervalMethod } from './intervals.js';
export { normalQuantile } from './normal-quantile.js';
export { conformalRank, confidentConformalRank, conformalQuantile } from './conformal.js';
