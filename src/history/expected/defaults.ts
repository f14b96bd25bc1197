/**
 * Column defaults. `nextval('<sequence>')` of a sequence the model knows is kept as a reference
 * to that sequence, so it prints as the catalog does (`nextval('t_id_seq'::regclass)`, with the
 * sequence's final name); any other expression is kept as the deparser prints it.
 */
import type { Node } from 'libpg-query';
import type { ColumnDefault } from './model.js';
import type { Step } from './step.js';

export function columnDefault(step: Step, expr: Node): ColumnDefault {
  const sequence = nextvalTarget(step, expr);
  if (sequence) return { kind: 'nextval', sequence };
  return { kind: 'expression', text: step.deparse(expr) };
}

function nextvalTarget(step: Step, expr: Node) {
  const call = 'FuncCall' in expr ? expr.FuncCall : undefined;
  const fn = (call?.funcname ?? []).map((n) => ('String' in n ? n.String.sval : ''));
  if (!call || fn.at(-1) !== 'nextval' || (fn.length === 2 && fn[0] !== 'pg_catalog') || call.args?.length !== 1) return undefined;
  let arg = call.args[0]!;
  if ('TypeCast' in arg && arg.TypeCast.arg) arg = arg.TypeCast.arg;
  const text = 'A_Const' in arg ? arg.A_Const.sval?.sval : undefined;
  if (text === undefined) return undefined;
  const parts = regclassName(text);
  if (!parts || parts.length > 2 || (parts.length === 2 && parts[0] !== step.model.schema)) return undefined;
  const relation = step.model.relations.get(parts.at(-1)!);
  return relation?.kind === 'sequence' ? relation : undefined;
}

/**
 * The name in a regclass literal (`t_id_seq`, `"T_seq"`, `public.t_id_seq`): dot-separated
 * identifiers, bare ones folded to lower case, quoted ones as written with `""` for `"`.
 * Null when the text is not such a name.
 */
export function regclassName(text: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= text.length) return null;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
      parts.push(part);
    } else {
      let part = '';
      while (i < text.length && text[i] !== '.') part += text[i++];
      if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(part)) return null;
      parts.push(part.toLowerCase());
    }
    if (i === text.length) return parts;
    if (text[i] !== '.') return null;
    i++;
  }
  return null;
}
