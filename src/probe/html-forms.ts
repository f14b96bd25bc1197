/**
 * The one reader of HTML forms. Every `<form>` of a page with its `action`, `method`, every field it
 * would submit as it stands (hidden CSRF tokens such as Rails' `authenticity_token`, Laravel's
 * `_token`, Flask-WTF's `csrf_token`, prefilled inputs) and every control as written; the login
 * form is the one that holds a password input. (`login-form.ts` reads Django's login form from it.)
 *
 * htmlparser2 reads the page (not regular expressions): it is the tokenizer of the `entities`
 * package's author, already decodes attribute entities, skips comments, `<script>` and
 * `<template>` text correctly and is fast and small (no DOM is built: a streaming pass).
 */
import { Parser } from 'htmlparser2';

export interface FormField {
  readonly name: string;
  readonly type: string;
  readonly value: string;
}

/** A control as written, submitted or not (a disabled input, an unchecked box, a button). */
export interface FormControl {
  readonly tag: 'input' | 'select' | 'textarea';
  /** `''` when the control has no name. */
  readonly name: string;
  /** An input's type, lower-case (`text` when the attribute is missing); the tag for the others. */
  readonly type: string;
  /** The `autocomplete` attribute (`username` marks the user name box); `''` when missing. */
  readonly autocomplete: string;
}

export interface HtmlForm {
  /** As written in the page (may be empty: the form posts to the page itself). */
  readonly action: string;
  /** Upper-case; `POST` unless the form says `get`. */
  readonly method: 'GET' | 'POST';
  /** Every named field in document order: inputs, selects (first/selected option), textareas. */
  readonly fields: readonly FormField[];
  /** Name of the first password input, if it has one. */
  readonly passwordField?: string | undefined;
  /** Name of the last text-like input before the password input (the user name box). */
  readonly usernameField?: string | undefined;
  /** Every input, select and textarea of the form in document order, submitted or not. */
  readonly controls: readonly FormControl[];
}

/** Every form of the page, and every control of the page in document order (inside a form or not). */
export interface HtmlPage {
  readonly forms: readonly HtmlForm[];
  readonly controls: readonly FormControl[];
}

/** Inputs a browser submits without the user typing: not buttons, not files, not unchecked boxes. */
const NOT_SUBMITTED = new Set(['submit', 'button', 'reset', 'image', 'file']);
/** Input types a user name can be typed into. */
export const TEXT_LIKE: ReadonlySet<string> = new Set(['text', 'email', 'tel', '']);
const CONTROL_TAGS = new Set(['input', 'select', 'textarea']);

interface Draft {
  action: string;
  method: 'GET' | 'POST';
  fields: FormField[];
  controls: FormControl[];
  passwordField?: string;
  usernameField?: string;
  lastText?: string;
}

/** Every form and control of the page in document order. */
export function readHtmlPage(html: string): HtmlPage {
  const forms: Draft[] = [];
  const controls: FormControl[] = [];
  let open: Draft | undefined;
  let select: { name: string; first?: string; selected?: string } | undefined;
  let option: { value?: string; text: string; selected: boolean } | undefined;
  let textarea: { name: string; text: string } | undefined;

  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (tag === 'form') {
          // Browsers ignore a <form> nested in an open one; so do we.
          if (open) return;
          open = { action: attrs.action ?? '', method: (attrs.method ?? '').toLowerCase() === 'get' ? 'GET' : 'POST', fields: [], controls: [] };
          forms.push(open);
          return;
        }
        if (CONTROL_TAGS.has(tag)) {
          const control: FormControl = {
            tag: tag as FormControl['tag'],
            name: attrs.name ?? '',
            type: tag === 'input' ? (attrs.type ?? 'text').toLowerCase() : tag,
            autocomplete: attrs.autocomplete ?? '',
          };
          controls.push(control);
          open?.controls.push(control);
        }
        if (!open) return;
        const name = attrs.name;
        if (tag === 'input') {
          const type = (attrs.type ?? 'text').toLowerCase();
          if (type === 'password' && open.passwordField === undefined && name) {
            open.passwordField = name;
            open.usernameField = open.lastText;
          }
          if (TEXT_LIKE.has(type) && name) open.lastText = name;
          if (!name || NOT_SUBMITTED.has(type) || 'disabled' in attrs) return;
          if ((type === 'checkbox' || type === 'radio') && !('checked' in attrs)) return;
          open.fields.push({ name, type, value: attrs.value ?? (type === 'checkbox' || type === 'radio' ? 'on' : '') });
        } else if (tag === 'select' && name && !('disabled' in attrs)) {
          select = { name };
        } else if (tag === 'option' && select) {
          option = { value: attrs.value, text: '', selected: 'selected' in attrs };
        } else if (tag === 'textarea' && name && !('disabled' in attrs)) {
          textarea = { name, text: '' };
        }
      },
      ontext(text) {
        if (option) option.text += text;
        if (textarea) textarea.text += text;
      },
      onclosetag(tag) {
        if (tag === 'option' && option && select) {
          const value = option.value ?? option.text.trim();
          select.first ??= value;
          if (option.selected) select.selected = value;
          option = undefined;
        } else if (tag === 'select' && select && open) {
          const value = select.selected ?? select.first;
          if (value !== undefined) open.fields.push({ name: select.name, type: 'select', value });
          select = undefined;
        } else if (tag === 'textarea' && textarea && open) {
          open.fields.push({ name: textarea.name, type: 'textarea', value: textarea.text.replace(/^\r?\n/, '') });
          textarea = undefined;
        } else if (tag === 'form') {
          open = undefined;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  return { forms: forms.map(({ lastText: _unused, ...form }) => form), controls };
}

/** Every form of the page in document order. */
export function parseForms(html: string): HtmlForm[] {
  return [...readHtmlPage(html).forms];
}

/** The first form of the page that holds a password input; undefined when there is none. */
export function findLoginForm(html: string): HtmlForm | undefined {
  return parseForms(html).find((form) => form.passwordField !== undefined);
}
