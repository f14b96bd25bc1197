/**
 * Markdown-safe text. Error messages and relation names come from the target's HTTP bodies and
 * logs: hostile. Everything the report prints from them goes through one of these, so a body cannot
 * start a heading, open a link, inject HTML or break a table or a code fence.
 */

/** Line breaks and other control characters would end a paragraph or table row: make them spaces. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ');
}

/**
 * Inline text with every character Markdown or HTML gives meaning to inside a line escaped.
 * CommonMark lets any ASCII punctuation be backslash-escaped, so the escape renders as the plain
 * character. Line-start syntax (`-`, `1.`, `=`) cannot arise: callers never start a line with it
 * and line breaks are flattened.
 */
export function mdText(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>&|~#]/g, (c) => '\\' + c);
}

/**
 * Inline code: readable for names and error messages, and nothing inside is interpreted. The fence
 * is longer than any run of backticks in the text (CommonMark's rule). In a table cell `|` must be
 * escaped because GFM splits cells on it even inside code spans (and renders `\|` there as `|`);
 * elsewhere a backslash in a code span would show, so it is left alone.
 */
export function mdCode(text: string, options: { inTable?: boolean } = {}): string {
  const flat = oneLine(text);
  const line = options.inTable ? flat.replace(/\|/g, '\\|') : flat;
  const longest = Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || line.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A fenced code block whose fence no line of the content can close early. */
export function mdFence(content: string, language = ''): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${content.replace(/\n+$/, '')}\n${fence}`;
}

/** A GFM table; cells are already-escaped inline markdown. */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
