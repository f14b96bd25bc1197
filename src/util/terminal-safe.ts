/**
 * Text from the target (names, excerpts, reasons) made harmless for a terminal: an ANSI escape or
 * a carriage return in a response body must not be able to recolour the output, erase a line or
 * draw a fake "GREEN". Control characters (C0 but tab, DEL, C1) and the bidirectional overrides
 * that reorder what is shown are written as visible `\u001b`-style escapes instead.
 */

import { mapStringsDeep } from './deep-strings.js';

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_WITH_NEWLINE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const visible = (c: string) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

/** `text` with control characters escaped; `keepNewlines` for multi-line messages of our own. */
export function terminalSafe(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines ? UNSAFE : UNSAFE_WITH_NEWLINE, visible);
}

/** Printable text needs no replace (one regex test, no new string): nearly every name and date. */
const SAFE_LINE = /^[\u0020-\u007e\u00a0-\u200d\u2010-\u2029\u202f-\u2065\u206a-\uffff]*$/;

/** Every string inside `value` made terminal-safe (one line each); unchanged objects are shared. */
export function terminalSafeDeep<T>(value: T): T {
  return mapStringsDeep(value, oneLine);
}

const oneLine = (text: string) => (SAFE_LINE.test(text) ? text : terminalSafe(text));
