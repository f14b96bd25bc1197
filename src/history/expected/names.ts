/**
 * The names PostgreSQL gives objects a statement leaves unnamed (`t_pkey`, `t_col_key`,
 * `t_col_fkey`, `t_col_check`, `t_col_seq`, `t_col_idx`), ported from the server's
 * makeObjectName / ChooseRelationName / ChooseConstraintName (src/backend/commands/indexcmds.c,
 * pg_constraint.c) so the model names what the catalog will hold, truncation and `…key1` included.
 */

/** NAMEDATALEN - 1: the longest identifier, in bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The first `bytes` bytes of `s`, never splitting a character (pg_mbcliplen). */
function clipBytes(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = byteLength(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * `name1_name2_label`, shortening name1 and name2 (the longer one first) until it fits in 63
 * bytes, as makeObjectName does.
 */
export function makeObjectName(name1: string, name2: string | null, label: string | null): string {
  let overhead = 0;
  if (name2 !== null) overhead += 1;
  if (label !== null) overhead += byteLength(label) + 1;
  const avail = MAX_IDENTIFIER_BYTES - overhead;
  let n1 = byteLength(name1);
  let n2 = name2 === null ? 0 : byteLength(name2);
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let name = clipBytes(name1, n1);
  if (name2 !== null) name += '_' + clipBytes(name2, n2);
  if (label !== null) name += '_' + label;
  return name;
}

/**
 * The first of `name1_name2_label`, `name1_name2_label1`, `…2` that `taken` does not hold
 * (ChooseRelationName and ChooseConstraintName share this loop).
 */
export function chooseName(name1: string, name2: string | null, label: string, taken: (name: string) => boolean): string {
  let pass = 0;
  let candidate = makeObjectName(name1, name2, label);
  while (taken(candidate)) {
    pass += 1;
    candidate = makeObjectName(name1, name2, `${label}${pass}`);
  }
  return candidate;
}

/**
 * The column part of an implicit index or foreign-key name: the names joined with `_`, stopping
 * once 63 bytes are reached (ChooseIndexNameAddition, ChooseForeignKeyConstraintNameAddition).
 */
export function nameAddition(columns: readonly string[]): string {
  let out = '';
  for (const column of columns) {
    if (out.length > 0) out += '_';
    out += column;
    if (byteLength(out) >= MAX_IDENTIFIER_BYTES + 1) break;
  }
  return out;
}

/**
 * Index column names as ChooseIndexColumnNames makes them: an expression is `expr`, and a name
 * already used gets a number (`a`, `a1`).
 */
export function indexColumnNames(columns: ReadonlyArray<string | null>): string[] {
  const out: string[] = [];
  for (const column of columns) {
    const base = column ?? 'expr';
    let name = base;
    for (let i = 1; out.includes(name); i++) name = clipBytes(base, MAX_IDENTIFIER_BYTES - String(i).length) + String(i);
    out.push(name);
  }
  return out;
}

/** An identifier as `quote_ident` / regclass output prints it: bare when it can be. */
export function printIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"';
}
