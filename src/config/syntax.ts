/**
 * Turns the `yaml` parser's errors into config problems that are short and safe to print.
 */
import type { YAMLError } from 'yaml';
import type { ProblemCollector } from './problems.js';

// yaml's messages that end by quoting the source (which may hold a password) without a `: `.
const QUOTES_SOURCE = /(escape sequence)\b.*$/s;

export function reportSyntaxErrors(errors: readonly YAMLError[], source: string, problems: ProblemCollector): void {
  const [first, ...rest] = errors;
  if (first === undefined) return;
  // One mistake (an unclosed `{`) makes the parser emit an error per following token; only the
  // first is worth reading. Duplicate keys are independent of it, so each is kept.
  const independent = rest.filter((e) => e.code === 'DUPLICATE_KEY');
  const dropped = rest.length - independent.length;
  const more = dropped > 0 ? ` (and ${dropped} more error${dropped === 1 ? '' : 's'} that follow from it)` : '';
  problems.atOffset(first.pos[0], [], `YAML syntax: ${describe(first, source)}${flowHint(first, source)}${more}`);
  for (const e of independent) problems.atOffset(e.pos[0], [], `YAML syntax: ${describe(e, source)}`);
}

function describe(e: YAMLError, source: string): string {
  if (e.code === 'DUPLICATE_KEY') return 'this key appears twice in the same mapping: remove one';
  const message = e.message.replace(QUOTES_SOURCE, '$1');
  // `Unexpected … token in YAML stream: "…"`, `Block scalar header includes extra characters: |…`:
  // whatever follows `: ` and occurs in the source is a quote of it, so it is cut.
  const cut = message.indexOf(': ');
  if (cut === -1) return message;
  const tail = message.slice(cut + 2);
  return source.includes(tail) || source.includes(unquoted(tail)) ? message.slice(0, cut) : message;
}

function unquoted(text: string): string {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'string' ? v : text;
  } catch {
    return text;
  }
}

/**
 * `{ password: ${PW} }` is the most likely way to get here: `{` and `}` end a plain value inside
 * a flow mapping, so the reference must be quoted.
 */
function flowHint(e: YAMLError, source: string): string {
  const lineStart = source.lastIndexOf('\n', e.pos[0] - 1) + 1;
  const lineEnd = source.indexOf('\n', e.pos[0]);
  const line = source.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  return /[{[][^"']*\$\{/.test(line) ? '; inside `{ }` or `[ ]` a `${VAR}` must be quoted: "${VAR}"' : '';
}
