/**
 * Reads PostgreSQL's compiled gettext catalogs (`postgres-15.mo`) and renders
 * src/diagnose/catalog.generated.ts from them. Split from the CLI so the freshness test can render
 * the file in memory and compare it with the committed one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// gettext-parser reads .mo files (both byte orders, charset header) so we do not hand-parse them.
import { mo } from 'gettext-parser';
import { NOT_FINDING_MSGIDS, TARGET_MESSAGES } from '../../src/diagnose/message-ids.js';

export const POSTGRES_PACKAGE = 'postgresql-15';
export const CATALOG_DOMAIN = 'postgres-15';
export const LOCALE_DIR = '/usr/share/locale';

export interface LanguageCatalog {
  /** Locale directory name, e.g. `de`, `zh_CN`. */
  readonly language: string;
  /** msgid → msgstr of the default context, untranslated (empty) entries left out. */
  readonly messages: ReadonlyMap<string, string>;
}

/** Every `<localeDir>/<lang>/LC_MESSAGES/<domain>.mo`, sorted by language. Empty when none exist. */
export function findCatalogFiles(options: { localeDir?: string; domain?: string } = {}): { language: string; file: string }[] {
  const localeDir = options.localeDir ?? LOCALE_DIR;
  const domain = options.domain ?? CATALOG_DOMAIN;
  if (!existsSync(localeDir)) return [];
  return readdirSync(localeDir)
    .sort()
    .map((language) => ({ language, file: join(localeDir, language, 'LC_MESSAGES', `${domain}.mo`) }))
    .filter(({ file }) => existsSync(file));
}

export function readCatalog(options: { language: string; file: string }): LanguageCatalog {
  const parsed = mo.parse(readFileSync(options.file));
  const messages = new Map<string, string>();
  for (const [msgid, entry] of Object.entries(parsed.translations[''] ?? {})) {
    const msgstr = entry.msgstr[0];
    if (msgid !== '' && msgstr) messages.set(msgid, msgstr);
  }
  return { language: options.language, messages };
}

/** The installed Debian package version, so the generated header says what it was built from. */
export function installedPackageVersion(pkg: string = POSTGRES_PACKAGE): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' }).trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * msgids that contain a target msgid inside them (`constraint "%s" of relation "%s" does not exist`
 * contains `relation "%s" does not exist`). diagnose matches them too, to recognise that such a
 * sentence is NOT a missing relation.
 */
export function findShadowMsgids(catalogs: readonly LanguageCatalog[]): string[] {
  const targets = TARGET_MESSAGES.map((m) => m.msgid);
  const all = new Set<string>();
  for (const c of catalogs) for (const id of c.messages.keys()) all.add(id);
  return [...all].filter((id) => !targets.includes(id) && targets.some((t) => id.includes(t))).sort();
}

export interface RenderOptions {
  readonly catalogs: readonly LanguageCatalog[];
  readonly packageName: string;
  readonly packageVersion: string;
}

/** The complete text of catalog.generated.ts. Deterministic: same catalogs, same bytes. */
export function renderCatalogSource(options: RenderOptions): string {
  const targets = TARGET_MESSAGES.map((m) => m.msgid);
  for (const id of [...targets, ...NOT_FINDING_MSGIDS]) {
    if (!options.catalogs.some((c) => c.messages.has(id))) {
      throw new Error(
        `msgid ${JSON.stringify(id)} is in src/diagnose/message-ids.ts but in none of the catalogs; ` +
          'PostgreSQL may have reworded it: look it up with msgunfmt and update message-ids.ts',
      );
    }
  }
  const shadows = findShadowMsgids(options.catalogs);
  const wanted = [...targets, ...NOT_FINDING_MSGIDS, ...shadows];
  const lines: string[] = [
    '/*',
    ' * GENERATED FILE: do not edit by hand.',
    ` * Extracted from PostgreSQL's gettext catalogs ${LOCALE_DIR}/<lang>/LC_MESSAGES/${CATALOG_DOMAIN}.mo`,
    ` * of the Debian package ${options.packageName} ${options.packageVersion}, by`,
    ' *   npx tsc -p . && node dist/test/tools/generate-message-patterns.js',
    ' * (test/tools/generate-message-patterns.ts; the msgids come from src/diagnose/message-ids.ts).',
    ' * test/diagnose/catalog-generated.test.ts fails when this file differs from what the installed',
    ' * catalogs give.',
    ' */',
    '',
    `export const CATALOG_SOURCE = { package: ${lit(options.packageName)}, version: ${lit(options.packageVersion)}, domain: ${lit(CATALOG_DOMAIN)} } as const;`,
    '',
    '/** msgids that contain a target msgid: matched only to tell that such a sentence is something else. */',
    'export const SHADOW_MSGIDS: readonly string[] = [',
    ...shadows.map((id) => `  ${lit(id)},`),
    '];',
    '',
    '/** language (locale directory name) → msgid → msgstr, for the target, not-a-finding and shadow msgids it translates. */',
    'export const MESSAGE_CATALOG: Readonly<Record<string, Readonly<Record<string, string>>>> = {',
  ];
  for (const catalog of [...options.catalogs].sort((a, b) => (a.language < b.language ? -1 : 1))) {
    const entries = wanted.filter((id) => catalog.messages.has(id));
    if (entries.length === 0) continue;
    lines.push(`  ${lit(catalog.language)}: {`);
    for (const id of entries) lines.push(`    ${lit(id)}: ${lit(catalog.messages.get(id) ?? '')},`);
    lines.push('  },');
  }
  lines.push('};', '');
  return lines.join('\n');
}

/**
 * A TypeScript string literal. Non-ASCII letters stay readable; invisible characters (the
 * non-breaking spaces French uses, other format characters) are written as \u escapes so a reader
 * can see them.
 */
function lit(s: string): string {
  return JSON.stringify(s).replace(/[\u0080-\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufeff]/g, (c) =>
    '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
