/**
 * Column types as `pg_catalog.format_type()` prints them, from the parser's TypeName node, so a
 * modelled column compares with the catalog as a plain string (`varchar(100)` → `character
 * varying(100)`, `timestamptz` → `timestamp with time zone`, `serial` → `integer`).
 */
import type { Node, TypeName } from 'libpg-query';
import { printIdentifier } from './names.js';
import { Unfollowable } from './unfollowable.js';

/** Built-in type names (as the grammar resolves them) → what format_type prints. */
const FORMAT_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'character varying',
  bpchar: 'character',
  numeric: 'numeric',
  decimal: 'numeric',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
  varbit: 'bit varying',
  bit: 'bit',
  interval: 'interval',
  char: '"char"',
};

/** serial pseudo-types: the integer type of the column they make. */
const SERIALS: Readonly<Record<string, string>> = {
  smallserial: 'smallint',
  serial2: 'smallint',
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
};

export interface ColumnType {
  /** As format_type prints it. */
  readonly type: string;
  /** The column is a serial: it gets an owned sequence, a nextval default and NOT NULL. */
  readonly serial: boolean;
}

function typmodValues(typmods: readonly Node[] | undefined, typeText: string): number[] {
  return (typmods ?? []).map((node) => {
    const value = 'A_Const' in node ? node.A_Const.ival : undefined;
    if (!value) throw new Unfollowable(`type modifier of ${typeText} is not an integer constant`);
    return value.ival ?? 0; // the parse tree omits zero
  });
}

/**
 * A TypeName node as format_type prints the type it resolves to, for a reader whose search_path
 * starts with `targetSchema` (a type in it is printed unqualified, as the catalog does).
 */
export function columnType(typeName: TypeName, targetSchema: string): ColumnType {
  const names = (typeName.names ?? []).map((n) => ('String' in n ? (n.String.sval ?? '') : ''));
  const text = names.join('.');
  if (typeName.pct_type) throw new Unfollowable(`${text}%TYPE names another column's type`);
  if (typeName.setof) throw new Unfollowable(`SETOF ${text} is not a column type`);
  const builtin = names.length === 2 && names[0] === 'pg_catalog';
  const name = names[names.length - 1] ?? '';
  const mods = typmodValues(typeName.typmods, text);
  const array = (typeName.arrayBounds?.length ?? 0) > 0 ? '[]' : '';

  if (names.length === 1 && name in SERIALS) {
    if (array || mods.length) throw new Unfollowable(`${name} cannot carry modifiers or array bounds`);
    return { type: SERIALS[name]!, serial: true };
  }
  const base = (builtin || names.length === 1) && name in FORMAT_NAMES ? FORMAT_NAMES[name]! : undefined;
  if (base === undefined) {
    // A type format_type has no special spelling for: printed by name (extension types, enums,
    // domains). Qualified with its schema as written unless that is the target.
    const visible = builtin || (names.length === 2 && names[0] === targetSchema);
    const printed = (visible ? [name] : names).map(printIdentifier).join('.');
    return { type: printed + (mods.length ? `(${mods.join(',')})` : '') + array, serial: false };
  }
  return { type: withModifiers(base, name, mods, text) + array, serial: false };
}

function withModifiers(base: string, name: string, mods: readonly number[], text: string): string {
  if (mods.length === 0) return base;
  switch (name) {
    case 'numeric':
    case 'decimal':
      // numeric(p) is numeric(p,0) in the catalog.
      return `numeric(${mods[0]},${mods[1] ?? 0})`;
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz':
      // The precision goes between the name and the zone: `timestamp(3) with time zone`.
      return base.replace(/^(timestamp|time)/, `$1(${mods[0]})`);
    case 'interval':
      throw new Unfollowable(`${text} with fields or precision is not modelled`);
    default:
      return `${base}(${mods.join(',')})`;
  }
}

/**
 * A type as format_type prints it, made comparable whatever the reader's search_path: format_type
 * qualifies a type of the target schema when the target is not on the path (`public.mood`), the
 * model never does (`mood`). Use it on both sides of a comparison with the catalog.
 */
export function normalizeType(type: string, targetSchema: string): string {
  const trimmed = type.trim();
  const prefix = `${printIdentifier(targetSchema)}.`;
  return trimmed.startsWith(prefix) ? trimmed.slice(prefix.length) : trimmed;
}
