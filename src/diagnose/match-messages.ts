/**
 * Finds PostgreSQL "does not exist" messages in (already entity-decoded) text.
 *
 * No regular expression spans a message: each pattern's anchor literal is found with indexOf, and
 * every slot is bounded by MAX_SLOT_CHARS and found by a bounded indexOf/lastIndexOf on a window,
 * so the work is linear in the text length whatever the text contains. Slots take the SHORTEST
 * text between their literals (nearest delimiter), which keeps one message from swallowing its
 * neighbour; names with quotes inside still work because the delimiter is the whole literal
 * (`" does not exist`), not just the quote.
 */
import type { Finding } from './types.js';
import type { SlotRole } from './message-ids.js';
import { normalizeForMatching } from './normalize.js';
import { NOT_FINDING_PATTERNS_BY_ANCHOR, PATTERNS_BY_ANCHOR, isQuoteChar, type MessagePattern, type PatternSlot } from './patterns.js';

/**
 * PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1); twice that in UTF-16 units
 * leaves room for any real name while keeping every search window small.
 */
export const MAX_SLOT_CHARS = 128;
/** Upper bound of `Finding.message`. */
export const MAX_MESSAGE_CHARS = 300;

export interface PositionedFinding {
  /** Offset of the message in the text it was read from, for ordering. */
  readonly at: number;
  readonly finding: Finding;
}

/**
 * A recognised PostgreSQL sentence: a finding, or a shadow known NOT to be one (`constraint "c"
 * of relation "t" does not exist`), which stops a SQLSTATE beside it from guessing a name.
 */
export interface RecognisedMessage {
  readonly at: number;
  readonly finding: Finding | undefined;
}

interface Candidate {
  readonly start: number;
  readonly end: number;
  readonly pattern: MessagePattern;
  readonly values: readonly string[];
  /** [start, end) of each slot's text, in slot order. */
  readonly slotRanges: readonly (readonly [number, number])[];
}

const BARE_FORBIDDEN = /[\s"'«»「」“”‘’„‹›<>]/;
// A slot with no literal on one side (Korean `%s.%s 칼럼 없음`) ends where identifier-ish text ends.
const isOpenEndStop = (c: string): boolean => /[\s<>()[\]{},;:=]/.test(c) || isQuoteChar(c);

// func_signature_string: an unquoted (possibly dotted) name, then the argument types in parentheses.
const SIGNATURE = /^[^\s"'«»「」“”‘’„‹›<>()]+\([^()\n\r]*\)$/;

function slotContentOk(content: string, slot: PatternSlot): boolean {
  if (content.length === 0 || content.length > MAX_SLOT_CHARS) return false;
  if (slot.digits) return /^\d+$/.test(content);
  if (slot.signature) return SIGNATURE.test(content);
  if (content.includes('\n') || content.includes('\r')) return false;
  return !slot.bare || !BARE_FORBIDDEN.test(content);
}

/** Length of the open-ended slot that ends at `from` (backwards) or starts there (forwards). */
function openSlotLength(text: string, options: { from: number; direction: -1 | 1; slot: PatternSlot }): number {
  if (options.slot.signature) return openSignatureLength(text, options.from, options.direction);
  let n = 0;
  while (n < MAX_SLOT_CHARS) {
    const c = text[options.direction === 1 ? options.from + n : options.from - n - 1];
    if (c === undefined || isOpenEndStop(c) || (options.slot.digits && !/\d/.test(c))) break;
    n++;
  }
  return n;
}

/**
 * A signature with nothing after it (`no existe la función f(integer, "Mood")`) or before it
 * (`f() 이름의 함수가 없음`): the name, then its parenthesised argument types up to the closing
 * parenthesis, whose quotes and spaces belong to it. Bounded by MAX_SLOT_CHARS like any slot.
 */
function openSignatureLength(text: string, from: number, direction: -1 | 1): number {
  const at = (n: number): string | undefined => text[direction === 1 ? from + n : from - n - 1];
  let n = 0;
  if (direction === 1) {
    while (n < MAX_SLOT_CHARS && at(n) !== undefined && at(n) !== '(' && !isOpenEndStop(at(n)!)) n++;
    if (at(n) !== '(') return 0;
    while (n < MAX_SLOT_CHARS && at(n) !== undefined && at(n) !== ')' && at(n) !== '\n') n++;
    return at(n) === ')' ? n + 1 : 0;
  }
  if (at(0) !== ')') return 0;
  n = 1;
  while (n < MAX_SLOT_CHARS && at(n) !== undefined && at(n) !== '(' && at(n) !== '\n') n++;
  if (at(n) !== '(') return 0;
  n++;
  while (n < MAX_SLOT_CHARS && at(n) !== undefined && !isOpenEndStop(at(n)!) && at(n) !== ')') n++;
  return n;
}

/** Tries one pattern around one occurrence of its anchor literal. */
function matchAt(norm: string, original: string, pattern: MessagePattern, anchorAt: number): Candidate | undefined {
  const { literals, slots, anchor } = pattern;
  const values: string[] = new Array<string>(slots.length);
  const slotRanges: [number, number][] = new Array<[number, number]>(slots.length);
  // Rightwards: slot i ends where literal i+1 next begins.
  let cursor = anchorAt + (literals[anchor] ?? '').length;
  for (let i = anchor; i < slots.length; i++) {
    const slot = slots[i]!;
    const next = literals[i + 1]!;
    let length: number;
    if (next === '') {
      length = openSlotLength(norm, { from: cursor, direction: 1, slot });
    } else {
      const window = norm.slice(cursor, cursor + MAX_SLOT_CHARS + next.length);
      // The nearest occurrence, even right at the start: an empty slot is no match, not a reason
      // to look further (`column a.b. does not exist` is not column `b.` of table `a`).
      length = window.indexOf(next);
    }
    if (length <= 0 || !slotContentOk(norm.slice(cursor, cursor + length), slot)) return undefined;
    values[i] = original.slice(cursor, cursor + length);
    slotRanges[i] = [cursor, cursor + length];
    cursor += length + next.length;
  }
  const end = cursor;
  // Leftwards: slot i starts where literal i last ends.
  cursor = anchorAt;
  for (let i = anchor - 1; i >= 0; i--) {
    const slot = slots[i]!;
    const previous = literals[i]!;
    let length: number;
    if (previous === '') {
      length = openSlotLength(norm, { from: cursor, direction: -1, slot });
    } else {
      const windowStart = Math.max(0, cursor - MAX_SLOT_CHARS - previous.length);
      const window = norm.slice(windowStart, cursor);
      const at = window.lastIndexOf(previous, window.length - previous.length);
      length = at < 0 ? -1 : window.length - at - previous.length;
    }
    if (length <= 0 || !slotContentOk(norm.slice(cursor - length, cursor), slot)) return undefined;
    values[i] = original.slice(cursor - length, cursor);
    slotRanges[i] = [cursor - length, cursor];
    cursor -= length + previous.length;
  }
  return { start: cursor, end, pattern, values, slotRanges };
}

function allCandidates(norm: string, original: string, byAnchor = PATTERNS_BY_ANCHOR): Candidate[] {
  const found: Candidate[] = [];
  for (const [anchorText, patterns] of byAnchor) {
    for (let at = norm.indexOf(anchorText); at >= 0; at = norm.indexOf(anchorText, at + 1)) {
      for (const pattern of patterns) {
        const candidate = matchAt(norm, original, pattern, at);
        if (candidate) found.push(candidate);
      }
    }
  }
  return found;
}

/**
 * A candidate whose slot contains the start of another candidate ran past the end of its own
 * message: `column "a" is ambiguous; relation "b" does not exist` is no column `a" is …"b`.
 * Binary search over the sorted starts keeps this O(m log m).
 */
function dropRunaways(candidates: Candidate[]): Candidate[] {
  const starts = candidates.map((c) => c.start).sort((a, b) => a - b);
  const anyStartInside = (from: number, to: number): boolean => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    return lo < starts.length && starts[lo]! < to;
  };
  return candidates.filter((c) => !c.slotRanges.some(([from, to]) => anyStartInside(from, to)));
}

/**
 * Where candidates overlap, the earliest wins, and at the same start the most specific one:
 * `column "c" of relation "t" does not exist` is a missing column, not a missing relation `t`;
 * `constraint "c" of relation "t" does not exist` (a shadow) is neither.
 */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  candidates.sort(
    (a, b) =>
      a.start - b.start ||
      b.pattern.specificity - a.pattern.specificity ||
      Number(b.pattern.target !== undefined) - Number(a.pattern.target !== undefined),
  );
  const kept: Candidate[] = [];
  let coveredUntil = -1;
  for (const c of candidates) {
    if (c.start < coveredUntil) continue;
    kept.push(c);
    coveredUntil = c.end;
  }
  return kept;
}

function toFinding(candidate: Candidate, original: string): Finding | undefined {
  const target = candidate.pattern.target;
  if (!target) return undefined;
  const byRole: Partial<Record<SlotRole, string>> = {};
  candidate.pattern.slots.forEach((slot, i) => {
    const role = target.roles[slot.arg];
    if (role) byRole[role] = candidate.values[i];
  });
  const message = clipMessage(original.slice(candidate.start, candidate.end));
  const language = candidate.pattern.language;
  if (target.kind === 'missing-function' || target.kind === 'missing-type') {
    return objectFinding({ kind: target.kind, msgid: target.msgid, byRole, message, language });
  }
  if (target.kind === 'missing-relation') {
    return {
      kind: 'missing-relation',
      name: byRole.name ?? '',
      ...(byRole.schema !== undefined ? { schema: byRole.schema } : {}),
      message,
      language,
    };
  }
  return {
    kind: 'missing-column',
    column: byRole.column ?? '',
    ...(byRole.table !== undefined ? { table: byRole.table } : {}),
    message,
    language,
  };
}

/** `s.f(integer)` → schema s, name f, args `integer`; `type "s.x[]"` → schema s, name x. */
function objectFinding(options: {
  kind: 'missing-function' | 'missing-type';
  msgid: string;
  byRole: Partial<Record<SlotRole, string>>;
  message: string;
  language: string;
}): Finding | undefined {
  const { byRole, message, language } = options;
  if (options.kind === 'missing-type') {
    const { schema, name } = splitQualified((byRole.name ?? '').replace(/(\[\])+$/, ''));
    return { kind: 'missing-type', name, ...(schema !== undefined ? { schema } : {}), message, language };
  }
  const signature = byRole.signature ?? '';
  const open = signature.indexOf('(');
  if (open <= 0) return undefined;
  const { schema, name } = splitQualified(signature.slice(0, open));
  const routine = options.msgid.startsWith('procedure') ? 'procedure' : options.msgid.startsWith('aggregate') ? 'aggregate' : 'function';
  const args = signature.slice(open + 1, -1);
  return { kind: 'missing-function', name, ...(schema !== undefined ? { schema } : {}), args, routine, message, language };
}

/** NameListToString output: names are printed unquoted and joined by dots; one dot is schema.name. */
function splitQualified(text: string): { schema?: string; name: string } {
  const dot = text.indexOf('.');
  if (dot > 0 && dot < text.length - 1 && text.indexOf('.', dot + 1) < 0) return { schema: text.slice(0, dot), name: text.slice(dot + 1) };
  return { name: text };
}

export function clipMessage(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= MAX_MESSAGE_CHARS ? trimmed : trimmed.slice(0, MAX_MESSAGE_CHARS - 1) + '…';
}

/** Every recognised message in `text`, findings and known non-findings, in order of appearance. */
export function recogniseMessages(text: string): RecognisedMessage[] {
  const norm = normalizeForMatching(text);
  return resolveOverlaps(dropRunaways(allCandidates(norm, text))).map((candidate) => ({
    at: candidate.start,
    finding: toFinding(candidate, text),
  }));
}

/**
 * True when `text` holds a 42P01 sentence that names no missing table (`missing FROM-clause entry
 * for table "x"`, in any language). Linear in the text, like the rest.
 */
export function holdsNotFindingMessage(text: string): boolean {
  const norm = normalizeForMatching(text);
  return allCandidates(norm, text, NOT_FINDING_PATTERNS_BY_ANCHOR).length > 0;
}

/** Every finding in `text`, in order of appearance (duplicates kept). */
export function findMessages(text: string): PositionedFinding[] {
  return onlyFindings(recogniseMessages(text));
}

export function onlyFindings(recognised: readonly RecognisedMessage[]): PositionedFinding[] {
  const result: PositionedFinding[] = [];
  for (const { at, finding } of recognised) if (finding) result.push({ at, finding });
  return result;
}
