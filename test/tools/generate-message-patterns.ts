/**
 * Writes src/diagnose/catalog.generated.ts from the PostgreSQL message catalogs installed on this
 * machine (Debian: postgresql-15, /usr/share/locale/<lang>/LC_MESSAGES/postgres-15.mo).
 *
 *   npx tsc -p . && node dist/test/tools/generate-message-patterns.js
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CATALOG_DOMAIN,
  findCatalogFiles,
  installedPackageVersion,
  LOCALE_DIR,
  POSTGRES_PACKAGE,
  readCatalog,
  renderCatalogSource,
} from './message-catalog.js';

// dist/test/tools/ → repository root → src/diagnose/
export const GENERATED_FILE = fileURLToPath(new URL('../../../src/diagnose/catalog.generated.ts', import.meta.url));

function main(): void {
  const files = findCatalogFiles();
  if (files.length === 0) {
    console.error(
      `no ${CATALOG_DOMAIN}.mo under ${LOCALE_DIR}/*/LC_MESSAGES: install the ${POSTGRES_PACKAGE} package ` +
        '(its catalogs are the source of the patterns), then run this again',
    );
    process.exit(1);
  }
  const source = renderCatalogSource({
    catalogs: files.map(readCatalog),
    packageName: POSTGRES_PACKAGE,
    packageVersion: installedPackageVersion(),
  });
  writeFileSync(GENERATED_FILE, source);
  console.log(`wrote ${GENERATED_FILE} from ${files.length} catalogs: ${files.map((f) => f.language).join(', ')}`);
}

main();
