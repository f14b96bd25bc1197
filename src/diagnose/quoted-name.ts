/**
 * The first quoted name in a message whose wording is unknown (used when only the SQLSTATE tells
 * what the message is about). Recognises the quote pairs PostgreSQL's catalogs use.
 */
import { MAX_SLOT_CHARS } from './match-messages.js';

const CLOSING: Readonly<Record<string, string>> = { '"': '"', '«': '»', '»': '«', '「': '」', '“': '”' };

export function firstQuotedName(message: string): string | undefined {
  for (let i = 0; i < message.length; i++) {
    const close = CLOSING[message[i]!];
    if (close === undefined) continue;
    // Bounded search: a stray opening quote costs at most MAX_SLOT_CHARS, never the whole text.
    const window = message.slice(i + 1, i + 2 + MAX_SLOT_CHARS);
    const end = window.indexOf(close);
    if (end < 0) continue;
    const name = window.slice(0, end).trim(); // French puts spaces inside « »
    if (name !== '' && !/[\r\n]/.test(name)) return name;
  }
  return undefined;
}
