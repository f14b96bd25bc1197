/**
 * PostgreSQL's three log formats, read into records that say which database and role they are
 * about (so that another database's errors never drive a repair here):
 * - `stderr`: free text behind `log_line_prefix`; the database and role are found only when the
 *   prefix has `%d` / `%u` (a regex is built from the prefix itself);
 * - `csvlog`: one CSV row per message (fields may span lines), `user_name`, `database_name`;
 * - `jsonlog` (PostgreSQL 15+): one JSON object per line, `user`, `dbname`.
 * The text handed to `diagnose` is rebuilt as PostgreSQL's stderr would show it
 * (`ERROR:  relation "x" does not exist` / `STATEMENT:  ...`). Pure.
 */
import { SECONDARY_LABELS } from './postgres-labels.js';
import { groupPostgresLogLines } from './postgres-log-records.js';

export type ServerLogFormat = 'stderr' | 'csvlog' | 'jsonlog';

export interface ServerLogRecord {
  readonly text: string;
  readonly database?: string | undefined;
  readonly user?: string | undefined;
  readonly time?: number | undefined;
  /** The severity word as logged (`ERROR`, `FATAL`, translated in stderr and csvlog). */
  readonly severity?: string | undefined;
  /** stderr: the prefix reads two ways (see prefixParser), so the database and role are not known. */
  readonly ambiguousPrefix?: true | undefined;
}

/** `2026-11-30 04:55:01.123 UTC` (`%m`, `%t`, csv/json timestamps); zones other than UTC/GMT/±hh[mm] are not guessed. */
export function pgLogTime(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const epoch = /^(\d{9,})(?:\.(\d+))?$/.exec(s);
  if (epoch) return Number(epoch[1]) * 1000 + Number((epoch[2] ?? '0').padEnd(3, '0').slice(0, 3));
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (UTC|GMT|Z|[+-]\d{2}(?::?\d{2})?)$/.exec(s);
  if (!m) return undefined;
  const utc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)));
  const zone = m[8]!;
  if (zone === 'UTC' || zone === 'GMT' || zone === 'Z') return utc;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  const offset = (Number(z[2]) * 60 + Number(z[3] ?? 0)) * 60_000;
  return z[1] === '+' ? utc - offset : utc + offset;
}

// ---------------------------------------------------------------------------------------------
// stderr: a regex built from log_line_prefix
// ---------------------------------------------------------------------------------------------

export interface PrefixParser {
  readonly hasDatabase: boolean;
  readonly hasUser: boolean;
  /** Database, role and time of a message's first line, read from its prefix. */
  parse(line: string): { database?: string; user?: string; time?: number; ambiguousPrefix?: true } | undefined;
  /** The severity word right after the prefix (`ERROR`, `FATAL`, `FEHLER`). */
  severityOf(line: string): string | undefined;
  /**
   * Whether `line` (`<prefix>STATEMENT:  …`) is a secondary line of the message whose first line is
   * `first`: its label sits right after a prefix that reads one way only, and names the same
   * database and role. A start-up line whose user or database name holds a label is not.
   */
  continues(line: string, first: string): boolean;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function escapeSource(letter: string, lazy = '?'): string {
  switch (letter) {
    case 'd':
      return `(?<d>.*${lazy})`;
    case 'u':
      return `(?<u>.*${lazy})`;
    case 'm':
      return '(?<m>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d+ \\S+)';
    case 't':
      return '(?<t>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+)';
    case 'n':
      return '(?<n>\\d+(?:\\.\\d+)?)';
    case 'p':
    case 'P':
    case 'l':
    case 'x':
    case 'Q':
      return '-?\\d*';
    case 'e':
      return '[0-9A-Z]{5}';
    default:
      return `.*${lazy}`;
  }
}

/** The parser for a `log_line_prefix` value (as `SHOW log_line_prefix` returns it). */
export function prefixParser(prefix: string): PrefixParser {
  let source = '';
  // The same prefix with every free-text escape greedy (see `parse`).
  let greedy = '';
  let optionalFrom = -1;
  let greedyFrom = -1;
  const letters = new Set<string>();
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (c !== '%') {
      source += escapeRegExp(c);
      greedy += escapeRegExp(c);
      continue;
    }
    const m = /^(-?\d*)([a-zA-Z%])/.exec(prefix.slice(i + 1));
    if (!m) {
      source += '%';
      greedy += '%';
      continue;
    }
    i += m[0].length;
    const letter = m[2]!;
    if (letter === '%') (source += '%'), (greedy += '%');
    else if (letter === 'q') (optionalFrom = source.length), (greedyFrom = greedy.length);
    else {
      // A group name may appear once; a repeated escape matches anything the second time.
      const piece = letters.has(letter) ? '.*?' : escapeSource(letter);
      const greedyPiece = letters.has(letter) ? '.*' : escapeSource(letter, '');
      letters.add(letter);
      source += m[1] ? `\\s*${piece}\\s*` : piece;
      greedy += m[1] ? `\\s*${greedyPiece}\\s*` : greedyPiece;
    }
  }
  // `%q`: what follows is written only by session processes; the rest of the prefix is optional.
  if (optionalFrom >= 0) source = `${source.slice(0, optionalFrom)}(?:${source.slice(optionalFrom)})?`;
  if (greedyFrom >= 0) greedy = `${greedy.slice(0, greedyFrom)}(?:${greedy.slice(greedyFrom)})?`;
  // The prefix is followed by the severity and its two spaces (`ERROR:  `, `FEHLER:  `).
  const re = new RegExp(`^${source}(?=[^\\s:]+:  )`, 'u');
  // `%u`, `%d` and `%a` are written from the startup packet, before authentication: anyone who can
  // reach the port can log a line whose user or database name reads as a whole prefix of ours
  // followed by `ERROR:  relation "x" does not exist`. The shortest and the longest reading of
  // the prefix then disagree (the real one lies between them); such a line names no database.
  const reGreedy = new RegExp(`^${greedy}(?=[^\\s:]+:  )`, 'u');
  const labels = [...new Set(Object.values(SECONDARY_LABELS).flat())].map(escapeRegExp).join('|');
  const labelLazy = new RegExp(`^${source}(?=${labels})`, 'u');
  const labelGreedy = new RegExp(`^${greedy}(?=${labels})`, 'u');
  const same = (a: string | undefined, b: string | undefined) => a?.trim() === b?.trim();
  return {
    hasDatabase: letters.has('d'),
    hasUser: letters.has('u'),
    continues(line, first) {
      const a = labelLazy.exec(line);
      const b = labelGreedy.exec(line);
      if (!a || !b || a[0].length !== b[0].length || !same(a.groups?.d, b.groups?.d) || !same(a.groups?.u, b.groups?.u)) return false;
      // Read as a primary line, it must end its prefix at the same place (English labels are
      // followed by two spaces, so a genuine one does; a forged name puts a severity later).
      const whole = re.exec(line);
      if (whole && whole[0].length !== a[0].length) return false;
      const head = this.parse(first);
      return head !== undefined && !head.ambiguousPrefix && same(head.database, a.groups?.d) && same(head.user, a.groups?.u);
    },
    severityOf(line) {
      const m = re.exec(line);
      return m ? /^[^\s:]+/.exec(line.slice(m[0].length))?.[0] : undefined;
    },
    parse(line) {
      const lazy = re.exec(line);
      const g = lazy?.groups;
      if (!g) return undefined;
      const longest = reGreedy.exec(line);
      // (Padding, `%-10u`, is the one thing the two readings may place differently: `same` trims.)
      if (!longest || longest[0].length !== lazy[0].length || !same(longest.groups?.d, g.d) || !same(longest.groups?.u, g.u)) return { ambiguousPrefix: true };
      return {
        ...(g.d !== undefined ? { database: g.d } : {}),
        ...(g.u !== undefined ? { user: g.u } : {}),
        ...(pgLogTime(g.m ?? g.t ?? g.n) !== undefined ? { time: pgLogTime(g.m ?? g.t ?? g.n)! } : {}),
      };
    },
  };
}

export function stderrRecords(lines: readonly string[], parser: PrefixParser): ServerLogRecord[] {
  return groupPostgresLogLines(lines, (line, first) => parser.continues(line, first)).map((text) => {
    const first = text.split('\n', 1)[0]!;
    const severity = parser.severityOf(first);
    return { text, ...parser.parse(first), ...(severity !== undefined ? { severity } : {}) };
  });
}

// ---------------------------------------------------------------------------------------------
// csvlog and jsonlog
// ---------------------------------------------------------------------------------------------

interface Fields {
  time?: string | undefined;
  user?: string | undefined;
  database?: string | undefined;
  severity?: string | undefined;
  message?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  context?: string | undefined;
  statement?: string | undefined;
  sqlstate?: string | undefined;
}

function toRecord(f: Fields): ServerLogRecord {
  const lines = [`${f.severity ?? 'LOG'}:  ${f.message ?? ''}`];
  if (f.detail) lines.push(`DETAIL:  ${f.detail}`);
  if (f.hint) lines.push(`HINT:  ${f.hint}`);
  if (f.context) lines.push(`CONTEXT:  ${f.context}`);
  if (f.statement) lines.push(`STATEMENT:  ${f.statement}`);
  return {
    text: lines.join('\n'),
    ...(f.severity !== undefined ? { severity: f.severity } : {}),
    ...(f.database !== undefined ? { database: f.database } : {}),
    ...(f.user !== undefined ? { user: f.user } : {}),
    ...(pgLogTime(f.time) !== undefined ? { time: pgLogTime(f.time)! } : {}),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function jsonlogRecords(lines: readonly string[]): ServerLogRecord[] {
  const out: ServerLogRecord[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    let o: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null) continue;
      o = parsed as Record<string, unknown>;
    } catch {
      continue; // a line cut by the byte window: not a record
    }
    out.push(
      toRecord({
        time: str(o.timestamp),
        user: str(o.user),
        database: str(o.dbname),
        severity: str(o.error_severity),
        message: str(o.message),
        detail: str(o.detail),
        hint: str(o.hint),
        context: str(o.context),
        statement: str(o.statement),
        sqlstate: str(o.state_code),
      }),
    );
  }
  return out;
}

/** CSV fields of one row (RFC 4180: quoted fields, `""` for a quote, newlines inside quotes). */
export function csvFields(row: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= row.length) {
    if (row[i] === '"') {
      let value = '';
      i++;
      while (i < row.length) {
        if (row[i] === '"' && row[i + 1] === '"') (value += '"'), (i += 2);
        else if (row[i] === '"') break;
        else value += row[i++];
      }
      fields.push(value);
      i += 2; // closing quote and comma
    } else {
      const comma = row.indexOf(',', i);
      const end = comma === -1 ? row.length : comma;
      fields.push(row.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}

/** A row is complete when its quotes are balanced; an incomplete one waits for the next read. */
export function csvlogRecords(lines: readonly string[], pending: string): { records: ServerLogRecord[]; pending: string } {
  const records: ServerLogRecord[] = [];
  let row = pending;
  for (const line of lines) {
    row = row === '' ? line : `${row}\n${line}`;
    if ((row.match(/"/g)?.length ?? 0) % 2 !== 0) continue;
    if (row.trim() !== '') {
      const f = csvFields(row);
      records.push(
        toRecord({
          time: f[0],
          user: f[1],
          database: f[2],
          severity: f[11],
          sqlstate: f[12],
          message: f[13],
          detail: f[14],
          hint: f[15],
          context: f[18],
          statement: f[19],
        }),
      );
    }
    row = '';
  }
  return { records, pending: row };
}
