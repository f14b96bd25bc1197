/**
 * Splits a command written as one string (`manage: python3 manage.py`) into its words, the way a
 * POSIX shell would (quotes and backslashes respected), with `shell-quote` — a widely used,
 * maintained parser, rather than a hand-written tokenizer that would get quoting wrong.
 *
 * No shell ever runs the result, so what only a shell would do (pipes, redirections, globs,
 * `$VAR` expansion) is refused with what to write instead, rather than silently passed as text.
 */
import { parse } from 'shell-quote';

/** The words, or what is wrong (phrased for a config message). */
export function splitShellWords(text: string): string[] | string {
  let expanded = false;
  // Returning the reference unchanged keeps `$HOME` as text; the flag turns it into a message.
  const entries = parse(text, (name) => {
    expanded = true;
    return `$${name}`;
  });
  if (expanded) return 'must not use `$VAR` (no shell runs the command): use `${VAR}`, which the config fills in, or the list form';
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      words.push(entry);
      continue;
    }
    if ('comment' in entry) return 'must not hold a `#` comment: quote the `#`, or use the list form';
    const op = 'pattern' in entry ? entry.pattern : entry.op;
    return `must be one command: \`${op}\` is shell syntax and no shell runs it; quote it or use the list form (\`[python3, manage.py]\`)`;
  }
  return words;
}
