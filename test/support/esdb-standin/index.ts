export { EsdbStandIn, type StandInFaults, type StandInOptions } from './server.js';
export { StandInLog, type LogRecord } from './log.js';
