/**
 * Groups PostgreSQL's stderr log (`log_destination = stderr`) into messages: a primary line
 * (`<prefix>ERROR:  relation "x" does not exist at character 15`) with its secondary lines
 * (`<prefix>STATEMENT:  SELECT * FROM x`, DETAIL, HINT, ... in any `lc_messages` language) and the
 * tab-indented continuation lines PostgreSQL writes for multi-line text. Pure.
 *
 * `log_line_prefix` is free-form, so the label is found, not parsed: a secondary label counts
 * only when no severity (always followed by `:  `, two spaces, untranslated) comes before it.
 */
import { SECONDARY_LABELS } from './postgres-labels.js';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const labels = [...new Set(Object.values(SECONDARY_LABELS).flat())].sort((a, b) => b.length - a.length);
// A label starts the line or follows the prefix's whitespace/bracket (`... [1234] STATEMENT:  `).
const SECONDARY = new RegExp(`(?:^|[\\s\\]\\)>])(?:${labels.map(escapeRegExp).join('|')})`, 'u');

export function isSecondaryLine(line: string): boolean {
  const m = SECONDARY.exec(line);
  return m !== null && !line.slice(0, m.index).includes(':  ');
}

/**
 * Message texts of `lines`; lines before the first primary line form a message of their own.
 * `continues` may refuse a secondary-looking line as part of the message that `first` opened
 * (server-log-format.ts checks its prefix); a refused line opens a message of its own.
 */
export function groupPostgresLogLines(lines: readonly string[], continues: (line: string, first: string) => boolean = () => true): string[] {
  const messages: string[] = [];
  let current: string[] = [];
  const close = () => {
    if (current.length) messages.push(current.join('\n'));
    current = [];
  };
  for (const line of lines) {
    if (line.startsWith('\t') || (isSecondaryLine(line) && (current.length === 0 || continues(line, current[0]!)))) {
      current.push(line);
    } else if (line.trim() !== '') {
      close();
      current.push(line);
    }
  }
  close();
  return messages;
}
