export { smaInit, smaUpdate, smaValue, type SmaState } from './sma.js';
export { donchianInit, donchianUpdate, donchianValue, type DonchianChannel, type DonchianState } from './donchian.js';
export { atrInit, atrUpdate, atrValue, trueRange, type AtrState } from './atr.js';
export { emptyWindow, windowPush, windowAggregate, isWindowFull, type Monoid, type WindowState } from './sliding-window.js';
