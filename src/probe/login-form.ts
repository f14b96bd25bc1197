/**
 * Reading Django's login form the way a browser would: the form that holds the password input, its
 * field names, and which input takes the user name. Django's own form calls it `username`,
 * allauth's `login`, a custom one perhaps `email`; the one text-like input beside the password
 * is the user name field. The page is read by `html-forms.ts`, the one reader of forms.
 */
import { readHtmlPage, TEXT_LIKE, type FormControl } from './html-forms.js';

export interface LoginForm {
  /** Names of the form's fields (input, select, textarea), in page order, each once. */
  readonly fields: readonly string[];
  /** The user name field, when the form shows exactly one candidate. */
  readonly usernameField: string | undefined;
}

/**
 * The login form of a page, found by its password input (`passwordField` by name, else the first
 * password input); undefined when the page has no password input at all. A password input outside
 * any form makes the whole page the form.
 */
export function readLoginForm(html: string, passwordField: string): LoginForm | undefined {
  const page = readHtmlPage(html);
  const passwords = page.controls.filter((c) => c.tag === 'input' && c.type === 'password');
  const password = passwords.find((c) => c.name === passwordField) ?? passwords[0];
  if (!password) return undefined;
  const scope = page.forms.find((f) => f.controls.includes(password))?.controls ?? page.controls;
  const named = scope.filter((c) => c.name !== '');
  const fields = [...new Set(named.map((c) => c.name))];
  const candidates = named.filter((c) => c.tag === 'input' && TEXT_LIKE.has(c.type));
  // Several text inputs (a "remember me" text, a honeypot): the one marked autocomplete=username.
  const marked = candidates.filter((c) => /\busername\b/i.test(c.autocomplete));
  const pick: FormControl | undefined = candidates.length === 1 ? candidates[0] : marked.length === 1 ? marked[0] : undefined;
  return { fields, usernameField: pick?.name };
}
