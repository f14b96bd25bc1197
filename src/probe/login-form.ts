/**
 * Reading a login form the way a browser would: the form that holds the password input, its
 * field names, and which input takes the user name. Django's own form calls it `username`,
 * allauth's `login`, a custom one perhaps `email`; the one text/email input beside the password
 * is the user name field. Parsed with htmlparser2 (a tolerant, maintained HTML parser that builds
 * a DOM): forms are nested markup with attributes in any order and quoting, which regexes get
 * wrong at the edges (a `>` in an attribute, comments, several forms on one page).
 */
import { DomUtils, parseDocument } from 'htmlparser2';

type Element = ReturnType<typeof DomUtils.findAll>[number];

export interface LoginForm {
  /** Names of the form's fields (input, select, textarea), in page order, each once. */
  readonly fields: readonly string[];
  /** The user name field, when the form shows exactly one candidate. */
  readonly usernameField: string | undefined;
}

/** Input types a user name can be typed into (`type` missing or unknown means text). */
const TEXT_TYPES = new Set(['text', 'email', '']);

function typeOf(input: Element): string {
  return (DomUtils.getAttributeValue(input, 'type') ?? '').trim().toLowerCase();
}

function enclosingForm(element: Element): Element | undefined {
  for (let node = element.parent; node; node = node.parent) {
    if ('name' in node && node.name === 'form') return node;
  }
  return undefined;
}

/**
 * The login form of a page, found by its password input (`passwordField` by name, else the first
 * password input); undefined when the page has no password input at all.
 */
export function readLoginForm(html: string, passwordField: string): LoginForm | undefined {
  const document = parseDocument(html);
  const inputs = DomUtils.findAll((e) => e.name === 'input', document.children);
  const passwords = inputs.filter((i) => typeOf(i) === 'password');
  const password = passwords.find((i) => DomUtils.getAttributeValue(i, 'name') === passwordField) ?? passwords[0];
  if (!password) return undefined;
  const form = enclosingForm(password);
  const scope = form ? form.children : document.children;
  const named = DomUtils.findAll((e) => ['input', 'select', 'textarea'].includes(e.name) && Boolean(e.attribs.name), scope);
  const fields = [...new Set(named.map((e) => e.attribs.name!))];
  const candidates = named.filter((e) => e.name === 'input' && TEXT_TYPES.has(typeOf(e)));
  // Several text inputs (a "remember me" text, a honeypot): the one marked autocomplete=username.
  const marked = candidates.filter((e) => /\busername\b/i.test(e.attribs.autocomplete ?? ''));
  const pick = candidates.length === 1 ? candidates[0] : marked.length === 1 ? marked[0] : undefined;
  return { fields, usernameField: pick?.attribs.name };
}
