/** The expected schema from a migration history (see build.ts). */
export { buildExpectedSchema, type ExpectedSchemaOptions } from './build.js';
export { SqlParserUnavailableError } from './parser.js';
export { normalizeType } from './sql-types.js';
