/**
 * Python source literals. Relation names come from the catalog but can hold any character except
 * NUL, including quotes, backslashes and line breaks: each must come back out of Python exactly,
 * and none may end a string or a comment early.
 */

function hex(c: string, width: 2 | 4): string {
  return c.charCodeAt(0).toString(16).padStart(width, '0');
}

/** Control characters (CR would be turned into LF by Python's newline handling) and lone surrogates. */
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function escapeUnprintable(c: string): string {
  return c.length === 1 && c.charCodeAt(0) < 0x100 ? `\\x${hex(c, 2)}` : `\\u${hex(c, 4)}`;
}

/**
 * A `"""…"""` literal (not raw: a raw string cannot end in a backslash) that keeps multi-line SQL
 * readable. Backslashes are doubled, and a `"` is escaped when the next character is another `"`
 * or the closing quotes, so no run of three quotes can close the string early.
 */
export function pyTripleQuoted(text: string): string {
  const pattern = new RegExp(`\\\\|"(?="|$)|${UNPRINTABLE.source}`, 'g');
  const body = text.replace(pattern, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : escapeUnprintable(c)));
  // The opening `"""\` + newline is a line continuation: the value starts at the next line's start.
  return `"""\\\n${body}"""`;
}

/** A one-line `'…'` literal (app labels, migration names). */
export function pyString(text: string): string {
  const pattern = new RegExp(`[\\\\'\\n]|${UNPRINTABLE.source}`, 'g');
  return `'${text.replace(pattern, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '\n' ? '\\n' : escapeUnprintable(c)))}'`;
}

/** Text for a `#` comment: a line break (or anything Python might read as one) would end it. */
export function pyComment(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, (c) => `\\u${hex(c, 4)}`);
}
