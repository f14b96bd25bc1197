/**
 * src/diagnose/catalog.generated.ts is committed; this checks it is exactly what the generator
 * produces from the PostgreSQL catalogs installed here, so nobody edits it by hand. The check runs
 * when the installed package is the version the file was generated from; another version (Debian
 * ships point releases) skips it with both versions named, so an upgrade on a CI machine does not
 * turn the build red but is visible, and regenerating is one command.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CATALOG_SOURCE } from '../../src/diagnose/catalog.generated.js';
import {
  findCatalogFiles,
  installedPackageVersion,
  POSTGRES_PACKAGE,
  readCatalog,
  renderCatalogSource,
} from '../tools/message-catalog.js';

// dist/test/diagnose/ → repository root
const committedFile = fileURLToPath(new URL('../../../src/diagnose/catalog.generated.ts', import.meta.url));
const files = findCatalogFiles();
const version = installedPackageVersion();

const skip =
  files.length === 0
    ? `no postgres-15.mo catalogs under /usr/share/locale (install ${POSTGRES_PACKAGE} to check the generated file)`
    : version === 'unknown'
      ? `${POSTGRES_PACKAGE} version unknown (no dpkg-query): cannot reproduce the generated header`
      : version !== CATALOG_SOURCE.version
        ? `installed ${POSTGRES_PACKAGE} is ${version}, the file was generated from ${CATALOG_SOURCE.version}: ` +
          'run `npx tsc -p . && node dist/test/tools/generate-message-patterns.js` to regenerate'
        : false;

t.test('the committed catalog.generated.ts equals what the installed catalogs give now', { skip }, async (t) => {
  const regenerated = renderCatalogSource({
    catalogs: files.map(readCatalog),
    packageName: POSTGRES_PACKAGE,
    packageVersion: version,
  });
  const committed = readFileSync(committedFile, 'utf8');
  t.ok(
    committed === regenerated,
    'src/diagnose/catalog.generated.ts is stale: run `npx tsc -p . && node dist/test/tools/generate-message-patterns.js`',
  );
  t.match(committed, `${POSTGRES_PACKAGE} ${version}`, 'header names the package version');
});

t.test('the renderer refuses a catalog set that lacks a target msgid', async (t) => {
  t.throws(
    () => renderCatalogSource({ catalogs: [{ language: 'xx', messages: new Map() }], packageName: 'p', packageVersion: '1' }),
    /in none of the catalogs.*msgunfmt/,
  );
});
