/**
 * Regenerates `config/smoke-fix.schema.json` from the key table:
 *   npx tsc -p . && node dist/src/config/write-schema.js
 * A test fails when the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchemaText } from './json-schema.js';

/** Where the schema is committed (this file runs compiled, from `dist/src/config`). */
export const SCHEMA_FILE = fileURLToPath(new URL('../../../config/smoke-fix.schema.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, configJsonSchemaText());
  console.log(`wrote ${SCHEMA_FILE}`);
}
