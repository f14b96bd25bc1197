export { readSqlHistory, type ReadSqlHistoryOptions } from './read.js';
export { SqlHistoryError } from './errors.js';
