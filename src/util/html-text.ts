/**
 * The visible text of an HTML fragment: comments, scripts, styles and tags removed, entities
 * decoded with the `entities` package (spec-complete), whitespace collapsed.
 */
import { decodeHTML } from 'entities';

export const HTML_COMMENT = /<!--[\s\S]*?-->/g;

export function textOf(html: string): string {
  return decodeHTML(html.replace(HTML_COMMENT, ' ').replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}
