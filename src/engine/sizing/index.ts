export { atrPositionSize, atrToDecimal, type AtrSizing, type AtrSizingInput } from './atr-position-size.js';
