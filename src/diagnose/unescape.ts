/**
 * Text escaped twice: a JSON log line whose message holds JSON (`\"`, or `\\\"` one level
 * deeper), a Python repr (`'relation "x" does not exist\nLINE 1: …'`), JSON shown on an HTML page.
 * PostgreSQL never prints a backslash before a quote of its own, so `\"` is the sign that a layer
 * of string escaping sits between the message and us; each pass removes one layer.
 */

/** Layers peeled at most: three covers JSON in JSON in a log line; each pass is one linear scan. */
const MAX_LAYERS = 3;
const ESCAPE = /\\(["'\\/nrt])/g;
const UNESCAPED: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t' };

export function unescapeLayers(text: string): string {
  let out = text;
  for (let layer = 0; layer < MAX_LAYERS && out.includes('\\"'); layer++) {
    out = out.replace(ESCAPE, (_, c: string) => UNESCAPED[c] ?? c);
  }
  return out;
}
