export { smaInit, smaUpdate, smaValue, type SmaState } from './sma.js';
export { emaInit, emaUpdate, emaValue, type EmaOptions, type EmaSeed, type EmaSmoothing, type EmaState } from './ema.js';
export { rsiInit, rsiUpdate, rsiValue, type RsiSeed, type RsiState } from './rsi.js';
export { macdInit, macdUpdate, macdValue, type MacdOptions, type MacdState, type MacdValue } from './macd.js';
export { bollingerInit, bollingerUpdate, bollingerValue, type BollingerBands, type BollingerState } from './bollinger.js';
export { stdevInit, stdevUpdate, stdevValue, rollingMoments, MOMENTS, momentsOf, type Ddof, type Moments, type StdevState } from './stdev.js';
export { donchianInit, donchianUpdate, donchianValue, type DonchianChannel, type DonchianState } from './donchian.js';
export { atrInit, atrUpdate, atrValue, trueRange, type AtrState } from './atr.js';
export { emptyWindow, windowPush, windowAggregate, isWindowFull, type Monoid, type WindowState } from './sliding-window.js';
