/**
 * Lets `${VAR}` stand unquoted inside YAML flow collections, as DESIGN.md's own example writes it:
 * `{ type: bearer, token: ${API_TOKEN} }`. In flow context `{` and `}` are YAML syntax, so before
 * parsing, the braces of each reference are swapped for private-use characters of the same
 * length (line:col of every node stays exact) and swapped back before interpolation.
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';

/** `${NAME}` / `${NAME:-default}` where the default holds no brace, quote or newline. */
const REFERENCE = /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*(?::-[^{}"'\n]*)?)\}/g;

export function maskReferences(source: string): string {
  return source.replace(REFERENCE, (_m, inner: string) => `$${OPEN}${inner}${CLOSE}`);
}

export function unmaskReferences(text: string): string {
  return text.includes(OPEN) ? text.replaceAll(OPEN, '{').replaceAll(CLOSE, '}') : text;
}
