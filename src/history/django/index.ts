/** Reading a Django project's migration history: the entry point and its errors. */
export { readDjangoHistory, type ReadDjangoHistoryOptions } from './read.js';
export * from './errors.js';
