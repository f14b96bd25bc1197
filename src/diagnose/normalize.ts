/**
 * Text preparation shared by every source: entity decoding (HTML bodies) and the spacing
 * normalisation that lets one pattern match the variants real pages carry.
 */
// `entities` is the well-kept, spec-complete decoder (the full WHATWG named-reference table,
// numeric references, legacy no-semicolon forms): `&quot;`, `&#34;`, `&#x27;`, `&laquo;`,
// `&raquo;`, `&nbsp;` and the rest come back exactly as a browser would show them.
import { decodeHTML, DecodingMode } from 'entities';

/**
 * Decodes character references. HTML bodies get the browser's (legacy) rules; other text only
 * `&name;`-style references, so a log line with a bare `&copy` is left alone.
 */
export function decodeEntities(text: string, options: { html: boolean }): string {
  if (!text.includes('&')) return text;
  return decodeHTML(text, options.html ? DecodingMode.Legacy : DecodingMode.Strict);
}

/** A body is treated as HTML when its content type says so or it starts with markup. */
export function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && /html|xml/i.test(contentType)) return true;
  return /^\s*</.test(text.slice(0, 1024));
}

// French catalogs print « %s » with spaces that pages and terminals turn into U+00A0 / U+202F;
// tabs and thin spaces appear after copy-paste; ’ replaces ' after "smart quote" editors.
const SPACE_VARIANTS = /[\t\u00a0\u2007\u2009\u202f]/g;
const APOSTROPHE_VARIANTS = /\u2019/g;

/**
 * Maps spacing and apostrophe variants to their ASCII form, one UTF-16 unit for one, so an
 * offset in the normalised text is the same offset in the original (names are cut from the
 * original and keep their exact characters).
 */
export function normalizeForMatching(text: string): string {
  return text.replace(SPACE_VARIANTS, ' ').replace(APOSTROPHE_VARIANTS, "'");
}
