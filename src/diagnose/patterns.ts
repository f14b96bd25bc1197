/**
 * Compiles PostgreSQL's own message templates (English msgids plus every translation in
 * catalog.generated.ts) into matchable patterns, grouped by the literal each one is searched by.
 */
import { MESSAGE_CATALOG, SHADOW_MSGIDS } from './catalog.generated.js';
import { NOT_FINDING_MSGIDS, TARGET_MESSAGES, type TargetMessage } from './message-ids.js';
import { normalizeForMatching } from './normalize.js';
import { parsePrintfTemplate } from './printf-template.js';
import { STACK_MESSAGES } from './stack-messages.js';
import { groupBy } from '../util/group-by.js';

export interface PatternSlot {
  readonly arg: number;
  readonly digits: boolean;
  /**
   * Not enclosed in quotes (`column %s.%s does not exist`): PostgreSQL prints the bare
   * identifier, so the slot stops at whitespace and quote characters.
   */
  readonly bare: boolean;
  /** A routine signature (`f(integer, text)`): spaces allowed, but only inside its parentheses. */
  readonly signature?: boolean | undefined;
}

export interface MessagePattern {
  readonly language: string;
  readonly msgid: string;
  /** The message this pattern reports; undefined for a shadow (a longer message that merely contains one). */
  readonly target: TargetMessage | undefined;
  /** Normalised literals; slot i sits between literals[i] and literals[i+1]. */
  readonly literals: readonly string[];
  readonly slots: readonly PatternSlot[];
  /** Index of the literal the text is searched for (the longest: fewest false starts). */
  readonly anchor: number;
  /** Total literal length: when two patterns claim the same text, the more specific one wins. */
  readonly specificity: number;
}

const QUOTE_CHARS = '"\'«»「」“”‘’„‹›';
export const isQuoteChar = (c: string | undefined): boolean => c !== undefined && QUOTE_CHARS.includes(c);

/** The nearest non-space character of a literal on the side that touches a slot. */
function edgeChar(literal: string, side: 'start' | 'end'): string | undefined {
  const trimmed = side === 'end' ? literal.trimEnd() : literal.trimStart();
  return side === 'end' ? trimmed[trimmed.length - 1] : trimmed[0];
}

/** undefined when the template cannot be matched unambiguously (two slots with nothing between). */
export function compilePattern(options: {
  language: string;
  msgid: string;
  msgstr: string;
  target: TargetMessage | undefined;
}): MessagePattern | undefined {
  const parsed = parsePrintfTemplate(normalizeForMatching(options.msgstr));
  const { literals } = parsed;
  if (literals.slice(1, -1).some((l) => l === '')) return undefined;
  if (options.target && parsed.slots.some((s) => s.arg >= options.target!.roles.length)) return undefined;
  const slots = parsed.slots.map((s, i) => ({
    ...s,
    bare: !isQuoteChar(edgeChar(literals[i] ?? '', 'end')) && !isQuoteChar(edgeChar(literals[i + 1] ?? '', 'start')),
    ...(options.target?.roles[s.arg] === 'signature' ? { signature: true } : {}),
  }));
  let anchor = 0;
  literals.forEach((l, i) => {
    if (l.length > (literals[anchor] ?? '').length) anchor = i;
  });
  return {
    language: options.language,
    msgid: options.msgid,
    target: options.target,
    literals,
    slots,
    anchor,
    specificity: literals.reduce((n, l) => n + l.length, 0),
  };
}

/** Every language's patterns; `en` is the msgids themselves (PostgreSQL's untranslated output). */
function compileAll(): MessagePattern[] {
  const patterns: MessagePattern[] = [];
  const shadowIds = new Set(SHADOW_MSGIDS);
  const add = (language: string, msgid: string, msgstr: string): void => {
    const target = TARGET_MESSAGES.find((m) => m.msgid === msgid);
    if (!target && !shadowIds.has(msgid)) return;
    const pattern = compilePattern({ language, msgid, msgstr, target });
    if (pattern) patterns.push(pattern);
    else if (target) throw new Error(`cannot compile the ${language} translation of ${JSON.stringify(msgid)}: ${JSON.stringify(msgstr)}`);
  };
  for (const id of [...TARGET_MESSAGES.map((m) => m.msgid), ...SHADOW_MSGIDS]) add('en', id, id);
  for (const [language, messages] of Object.entries(MESSAGE_CATALOG)) {
    for (const [msgid, msgstr] of Object.entries(messages)) add(language, msgid, msgstr);
  }
  // Libraries' own English rewordings (Prisma): matched like PostgreSQL's, reported as English.
  for (const { target } of STACK_MESSAGES) {
    const pattern = compilePattern({ language: 'en', msgid: target.msgid, msgstr: target.msgid, target });
    if (!pattern) throw new Error(`cannot compile the stack message ${JSON.stringify(target.msgid)}`);
    patterns.push(pattern);
  }
  return patterns;
}

export const MESSAGE_PATTERNS: readonly MessagePattern[] = compileAll();

function byAnchor(patterns: readonly MessagePattern[]): ReadonlyMap<string, readonly MessagePattern[]> {
  return groupBy(patterns, (p) => p.literals[p.anchor] ?? '');
}

/** Patterns grouped by anchor literal, so each distinct literal is searched for once per text. */
export const PATTERNS_BY_ANCHOR: ReadonlyMap<string, readonly MessagePattern[]> = byAnchor(MESSAGE_PATTERNS);

/**
 * The 42P01 sentences that are no missing table (NOT_FINDING_MSGIDS), in every language. Kept out
 * of PATTERNS_BY_ANCHOR: no target sentence lies inside them, so every body would pay for their
 * anchors for nothing. They are only searched in a message whose SQLSTATE alone would otherwise
 * name a table (diagnose's code fallback).
 */
export const NOT_FINDING_PATTERNS_BY_ANCHOR: ReadonlyMap<string, readonly MessagePattern[]> = (() => {
  const patterns: MessagePattern[] = [];
  const add = (language: string, msgid: string, msgstr: string): void => {
    const pattern = compilePattern({ language, msgid, msgstr, target: undefined });
    if (!pattern) throw new Error(`cannot compile the ${language} translation of ${JSON.stringify(msgid)}: ${JSON.stringify(msgstr)}`);
    patterns.push(pattern);
  };
  for (const id of NOT_FINDING_MSGIDS) {
    add('en', id, id);
    for (const [language, messages] of Object.entries(MESSAGE_CATALOG)) if (messages[id]) add(language, id, messages[id]);
  }
  return byAnchor(patterns);
})();

/** Languages whose messages diagnose recognises (ISO codes / PostgreSQL locale names, `en` first). */
export const MESSAGE_LANGUAGES: readonly string[] = ['en', ...Object.keys(MESSAGE_CATALOG).sort()];
