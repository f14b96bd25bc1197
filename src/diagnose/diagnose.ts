/**
 * diagnose: text (an HTTP body or a log entry) → the missing relations and columns it reports.
 * Pure: no I/O, no clock. Names in the findings are untrusted text cut from the input.
 */
import { collectJsonStrings, SQLSTATE_KINDS } from './json-strings.js';
import { clipMessage, findMessages, holdsNotFindingMessage, onlyFindings, recogniseMessages, type PositionedFinding, type RecognisedMessage } from './match-messages.js';
import { decodeEntities, looksLikeHtml } from './normalize.js';
import { firstQuotedName } from './quoted-name.js';
import { findingKey, type Finding } from './types.js';
import { unescapeLayers } from './unescape.js';

export { MESSAGE_LANGUAGES } from './patterns.js';

export interface DiagnoseOptions {
  /** The response's Content-Type, when the text is an HTTP body (`text/html; charset=utf-8`, …). */
  readonly contentType?: string | undefined;
}

/**
 * Findings of kind `missing-relation` / `missing-column`, de-duplicated by `findingKey`, in order
 * of first appearance. JSON bodies and JSON-lines logs are parsed and every string value read;
 * HTML bodies are entity-decoded first; anything else is read as plain text. Messages are
 * recognised in English and in every language PostgreSQL ships (see MESSAGE_LANGUAGES).
 */
export function diagnose(text: string, options: DiagnoseOptions = {}): Finding[] {
  const positioned = (looksLikeJson(text, options.contentType) ? fromJson(text) : undefined) ?? fromText(text, options.contentType);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const { finding } of positioned) {
    if (!possibleIdentifiers(finding)) continue;
    const key = findingKey(finding);
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

/**
 * PostgreSQL names can never hold a NUL byte (and the database refuses one even as a query
 * parameter), so a "name" with one was planted by the page, not printed by PostgreSQL.
 */
function possibleIdentifiers(f: Finding): boolean {
  const parts = f.kind === 'missing-column' ? [f.column, f.table, f.schema] : [f.name, f.schema];
  return parts.every((p) => p === undefined || (p.length > 0 && !p.includes('\u0000')));
}

function looksLikeJson(text: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && /json/i.test(contentType)) return true;
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function fromText(text: string, contentType: string | undefined): PositionedFinding[] {
  return findMessages(unescapeLayers(decodeEntities(text, { html: looksLikeHtml(text, contentType) })));
}

/**
 * One JSON document, or JSON Lines (structured logs: one object per line, other lines kept as
 * text, so an escaped `\"` inside a JSON string is read unescaped). undefined when nothing parses.
 */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through to JSON Lines
  }
  const documents: unknown[] = [];
  let parsedAny = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        documents.push(JSON.parse(trimmed));
        parsedAny = true;
        continue;
      } catch {
        // not JSON after all: keep the line as text
      }
    }
    if (trimmed !== '') documents.push(line);
  }
  return parsedAny ? documents : undefined;
}

/** undefined when the text is not JSON after all (it is then read as plain text). */
function fromJson(text: string): PositionedFinding[] | undefined {
  const parsed = parseJson(text);
  if (parsed === undefined) return undefined;
  const { strings, coded } = collectJsonStrings(parsed);
  // A JSON API may carry an HTML-escaped or backslash-escaped message in a string; decode each on its own.
  const decoded = strings.map((s) => unescapeLayers(decodeEntities(s, { html: false })));
  const offsets: number[] = [];
  let offset = 0;
  for (const s of decoded) {
    offsets.push(offset);
    offset += s.length + 1;
  }
  // One pass over all strings joined by newlines: no match can cross a newline, so none crosses strings.
  const recognised = recogniseMessages(decoded.join('\n'));
  const found = onlyFindings(recognised);
  const fallbacks: PositionedFinding[] = [];
  for (const { index, sqlstate } of coded) {
    const start = offsets[index]!;
    const message = decoded[index]!;
    const kind = SQLSTATE_KINDS[sqlstate];
    if (explainedIn(recognised, { start, end: start + message.length, kind })) continue;
    // `missing FROM-clause entry for table "x"` is 42P01 too, but no table is missing.
    if (kind === 'missing-relation' && holdsNotFindingMessage(message)) continue;
    const finding = findingFromSqlstate({ kind, message });
    if (finding) fallbacks.push({ at: start, finding });
  }
  if (fallbacks.length === 0) return found;
  return [...found, ...fallbacks].sort((a, b) => a.at - b.at);
}

/**
 * True when the coded message already holds a finding of the code's kind, or a sentence known not
 * to be one (a shadow: `constraint "c" of relation "t" does not exist`): then the code adds
 * nothing and must not guess a name. Binary search in `recognised` (sorted by offset): linear overall
 * however many coded messages there are.
 */
function explainedIn(recognised: readonly RecognisedMessage[], range: { start: number; end: number; kind: Finding['kind'] }): boolean {
  let lo = 0;
  let hi = recognised.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (recognised[mid]!.at < range.start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < recognised.length && recognised[i]!.at < range.end; i++) {
    const finding = recognised[i]!.finding;
    if (finding === undefined || finding.kind === range.kind) return true;
  }
  return false;
}

/**
 * The wording is unknown but the code is not: take the first quoted name. A dotted relation name
 * is read as schema.name, as PostgreSQL prints `relation "public.x"`.
 */
function findingFromSqlstate(options: { kind: Finding['kind']; message: string }): Finding | undefined {
  const name = firstQuotedName(options.message);
  if (name === undefined) return undefined;
  const message = clipMessage(options.message);
  if (options.kind === 'missing-column') return { kind: 'missing-column', column: name, message, language: 'sqlstate' };
  const dot = name.indexOf('.');
  if (dot > 0 && dot < name.length - 1) {
    return { kind: 'missing-relation', schema: name.slice(0, dot), name: name.slice(dot + 1), message, language: 'sqlstate' };
  }
  return { kind: 'missing-relation', name, message, language: 'sqlstate' };
}
