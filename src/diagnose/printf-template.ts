/**
 * Splits a C printf format (a PostgreSQL msgstr) into literal text and argument slots, so a
 * message can be matched by its literals with the arguments captured in between. Translators
 * may reorder arguments with `%2$s`; each slot records which argument it is.
 */

export interface TemplateSlot {
  /** 0-based index of the printf argument this slot prints. */
  readonly arg: number;
  /** `%d`/`%u`: the slot only ever holds digits. */
  readonly digits: boolean;
}

export interface ParsedTemplate {
  /** `literals.length === slots.length + 1`; slot i sits between literals[i] and literals[i+1]. */
  readonly literals: readonly string[];
  readonly slots: readonly TemplateSlot[];
}

// flags, width, precision and length modifiers are accepted and ignored: only the position matters.
const CONVERSION = /%(?:(\d+)\$)?[-+ #0']*\d*(?:\.\d+)?(?:hh|h|ll|l|L|q|j|z|Z|t)?([diouxXeEfFgGaAcsp%])/g;

export function parsePrintfTemplate(format: string): ParsedTemplate {
  const literals: string[] = [];
  const slots: TemplateSlot[] = [];
  let literal = '';
  let last = 0;
  let sequential = 0;
  for (const m of format.matchAll(CONVERSION)) {
    literal += format.slice(last, m.index);
    last = m.index + m[0].length;
    const conversion = m[2] ?? 's';
    if (conversion === '%') {
      literal += '%';
      continue;
    }
    const arg = m[1] === undefined ? sequential++ : Number(m[1]) - 1;
    literals.push(literal);
    literal = '';
    slots.push({ arg, digits: 'diouxX'.includes(conversion) });
  }
  literals.push(literal + format.slice(last));
  return { literals, slots };
}
