/**
 * Reading Django's pages: the login form's hidden CSRF field, the CSRF-failure page, form errors.
 * Pure functions over HTML text. A field's value comes from `html-forms.ts`, the one reader of
 * forms; the failure page and the error lists are found by the few known shapes Django writes.
 */
import { textOf } from '../util/html-text.js';
import { readHtmlPage } from './html-forms.js';

export { textOf };

/** Value of the first field named `name` that a form of the page would submit. */
export function inputValue(html: string, name: string): string | undefined {
  for (const form of readHtmlPage(html).forms) {
    const field = form.fields.find((f) => f.name === name);
    if (field) return field.value;
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
