/**
 * Reading Django's pages: the login form's hidden CSRF field, the CSRF-failure page, form errors.
 * Pure functions over HTML text. Regular expressions are enough here because we look for a few
 * known shapes, not for a DOM; entities are decoded with the `entities` package.
 */
import { decodeHTMLAttribute } from 'entities';
import { HTML_COMMENT as COMMENT, textOf } from '../util/html-text.js';

export { textOf };
const INPUT_TAG = /<input\b((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;
const ATTRIBUTE = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;

/** Attributes of one tag's attribute text; names lower-cased, values entity-decoded. */
export function parseAttributes(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const m of text.matchAll(ATTRIBUTE)) {
    const name = m[1]?.toLowerCase();
    if (!name || attributes.has(name)) continue; // the first occurrence wins, as in browsers
    attributes.set(name, decodeHTMLAttribute(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return attributes;
}

/** Value of the first `<input name="…">` with that name (any attribute order or quoting). */
export function inputValue(html: string, name: string): string | undefined {
  for (const m of html.replace(COMMENT, '').matchAll(INPUT_TAG)) {
    const attributes = parseAttributes(m[1] ?? '');
    if (attributes.get('name') === name) return attributes.get('value');
  }
  return undefined;
}

const CSRF_FAILED = 'CSRF verification failed. Request aborted.';

/**
 * Django's CSRF failure page as one line: `CSRF verification failed. Request aborted.` plus, when
 * the page shows it (DEBUG), `Reason given for failure: <reason>`. Undefined for any other page.
 */
export function csrfFailure(html: string): string | undefined {
  if (!html.includes('CSRF verification failed')) return undefined;
  const reason = /Reason given for failure:\s*(?:<\/p>)?\s*(?:<pre[^>]*>)?([\s\S]*?)(?:<\/pre>|<\/p>|\n\s*\n)/i.exec(html);
  const text = reason?.[1] ? textOf(reason[1]) : '';
  return text ? `${CSRF_FAILED} Reason given for failure: ${text}` : CSRF_FAILED;
}

/** The error texts of a re-rendered Django form (`errornote`, `errorlist`), joined; or undefined. */
export function formErrors(html: string): string | undefined {
  const found: string[] = [];
  const pattern = /<(p|ul|div)\b[^>]*class\s*=\s*["'][^"']*\b(errornote|errorlist)\b[^"']*["'][^>]*>([\s\S]*?)<\/\1>/gi;
  for (const m of html.matchAll(pattern)) {
    const text = textOf(m[3] ?? '');
    if (text && !found.includes(text)) found.push(text);
  }
  const joined = found.join(' ');
  return joined ? (joined.length > 300 ? joined.slice(0, 299) + '…' : joined) : undefined;
}
