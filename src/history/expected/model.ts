/**
 * The mutable state of the replay: the target schema's relations as objects, so a renamed table
 * keeps its identity (foreign keys and owned sequences point at the object, not at a name), and
 * name registries that make every lookup and every implicit-name check O(1).
 * `toExpectedSchema` freezes it into the shared plain-data types.
 */
import type {
  ExpectedColumn,
  ExpectedConstraint,
  ExpectedConstraintType,
  ExpectedRelation,
  ExpectedRelationKind,
  MigrationRef,
} from '../types.js';
import { printIdentifier } from './names.js';
import { Unfollowable } from './unfollowable.js';

export type ColumnDefault =
  | { readonly kind: 'expression'; readonly text: string }
  /** serial: `nextval('<sequence>'::regclass)`, printed with the sequence's final name. */
  | { readonly kind: 'nextval'; readonly sequence: Relation };

export interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: ColumnDefault | null;
  addedBy: MigrationRef;
  addSql: string[];
}

export interface Constraint {
  name: string;
  readonly type: ExpectedConstraintType;
  /** Columns of this table it covers (renamed along with them). */
  columns: string[];
  /** The index behind a primary key, unique or exclusion constraint. */
  index: Index | null;
  /** Foreign key target: a modelled relation (follows renames) or a name outside the model. */
  references?: { readonly relation: Relation; columns: string[] } | { readonly schema: string; readonly name: string };
}

export interface Index {
  name: string;
  readonly table: Relation;
  columns: string[];
  constraint: Constraint | null;
}

export class Relation {
  columns: Column[] = [];
  readonly indexes: Index[] = [];
  readonly constraints: Constraint[] = [];
  readonly changedBy: MigrationRef[] = [];
  /** serial / identity / OWNED BY: the table and column owning this sequence. */
  ownedBy: { table: Relation; column: string } | null = null;
  /** Sequences this table owns (serial, identity, OWNED BY). */
  readonly owns = new Set<Relation>();
  /** Columns whose default was set to nextval of this sequence (checked again before use). */
  readonly nextvalUsers = new Set<Column>();
  /** Views and materialized views whose query reads this relation (DROP … CASCADE drops them). */
  readonly dependents = new Set<Relation>();
  /** Foreign keys of other tables (or this one) that reference this relation. */
  readonly referencedBy = new Set<{ table: Relation; constraint: Constraint }>();

  constructor(
    public name: string,
    public readonly kind: ExpectedRelationKind,
    public readonly createdBy: MigrationRef,
  ) {}

  column(name: string): Column {
    const column = this.columns.find((c) => c.name === name);
    if (!column) throw new Unfollowable(`column "${name}" of "${this.name}" is not in the model`);
    return column;
  }

  touch(by: MigrationRef): void {
    if (by.id === this.createdBy.id || this.changedBy.at(-1)?.id === by.id) return;
    this.changedBy.push(by);
  }
}

/** The target schema as the replay goes: relations, indexes and constraint names, by name. */
export class SchemaModel {
  readonly relations = new Map<string, Relation>();
  readonly indexes = new Map<string, Index>();
  /** Constraint names in the schema (PostgreSQL avoids them all when it picks a name). */
  private readonly constraintNames = new Map<string, number>();

  constructor(readonly schema: string) {}

  /** Whether a relation or index has this name (one pg_class namespace). */
  relationNameTaken(name: string): boolean {
    return this.relations.has(name) || this.indexes.has(name);
  }

  constraintNameTaken(name: string): boolean {
    return (this.constraintNames.get(name) ?? 0) > 0;
  }

  relation(name: string): Relation {
    const relation = this.relations.get(name);
    if (!relation) throw new Unfollowable(`"${name}" was not created by any replayed statement`);
    return relation;
  }

  table(name: string): Relation {
    const relation = this.relation(name);
    if (relation.kind !== 'table' && relation.kind !== 'partitioned-table') throw new Unfollowable(`"${name}" is a ${relation.kind}, not a table`);
    return relation;
  }

  addRelation(relation: Relation): void {
    if (this.relationNameTaken(relation.name)) throw new Unfollowable(`a relation named "${relation.name}" already exists`);
    this.relations.set(relation.name, relation);
  }

  renameRelation(relation: Relation, to: string): void {
    if (this.relationNameTaken(to)) throw new Unfollowable(`a relation named "${to}" already exists`);
    this.relations.delete(relation.name);
    relation.name = to;
    this.relations.set(to, relation);
  }

  /** Sets (or clears) the table column owning a sequence. */
  own(sequence: Relation, owner: { table: Relation; column: string } | null): void {
    sequence.ownedBy?.table.owns.delete(sequence);
    sequence.ownedBy = owner;
    owner?.table.owns.add(sequence);
  }

  /**
   * SET SCHEMA out of the target: the relation, its indexes, constraints and owned sequences
   * leave the model; foreign keys that referenced it now point into `schema`.
   */
  moveOut(relation: Relation, schema: string): void {
    for (const ref of relation.referencedBy) {
      if (ref.table !== relation) ref.constraint.references = { schema, name: relation.name };
    }
    relation.referencedBy.clear();
    for (const constraint of relation.constraints) {
      this.countName(constraint.name, -1);
      if (constraint.references && 'relation' in constraint.references) {
        for (const ref of constraint.references.relation.referencedBy) if (ref.constraint === constraint) constraint.references.relation.referencedBy.delete(ref);
      }
    }
    for (const index of relation.indexes) this.indexes.delete(index.name);
    for (const sequence of relation.owns) this.relations.delete(sequence.name);
    this.relations.delete(relation.name);
  }

  addIndex(table: Relation, name: string, columns: string[], constraint: Constraint | null): Index {
    if (this.relationNameTaken(name)) throw new Unfollowable(`a relation named "${name}" already exists`);
    const index: Index = { name, table, columns, constraint };
    table.indexes.push(index);
    this.indexes.set(name, index);
    return index;
  }

  renameIndex(index: Index, to: string): void {
    if (this.relationNameTaken(to)) throw new Unfollowable(`a relation named "${to}" already exists`);
    this.indexes.delete(index.name);
    index.name = to;
    this.indexes.set(to, index);
    // An index behind a constraint renames the constraint too (and the other way round).
    if (index.constraint && index.constraint.name !== to) this.renameConstraintOnly(index.constraint, to);
  }

  dropIndex(index: Index): void {
    this.indexes.delete(index.name);
    remove(index.table.indexes, index);
  }

  addConstraint(table: Relation, constraint: Constraint): void {
    table.constraints.push(constraint);
    this.countName(constraint.name, +1);
    if (constraint.references && 'relation' in constraint.references) constraint.references.relation.referencedBy.add({ table, constraint });
  }

  renameConstraint(constraint: Constraint, to: string): void {
    this.renameConstraintOnly(constraint, to);
    if (constraint.index && constraint.index.name !== to) this.renameIndex(constraint.index, to);
  }

  private renameConstraintOnly(constraint: Constraint, to: string): void {
    this.countName(constraint.name, -1);
    constraint.name = to;
    this.countName(to, +1);
  }

  dropConstraint(table: Relation, constraint: Constraint): void {
    remove(table.constraints, constraint);
    this.countName(constraint.name, -1);
    if (constraint.index) this.dropIndex(constraint.index);
    if (constraint.references && 'relation' in constraint.references) {
      for (const ref of constraint.references.relation.referencedBy) if (ref.constraint === constraint) constraint.references.relation.referencedBy.delete(ref);
    }
    // Foreign keys that rest on this key's index go with it (DROP … CASCADE; without CASCADE
    // the server refuses, and the history says the statement ran).
    if (constraint.type === 'primary-key' || constraint.type === 'unique') {
      for (const ref of [...table.referencedBy]) {
        const target = ref.constraint.references;
        if (target && 'relation' in target && sameColumns(target.columns, constraint.columns)) this.dropConstraint(ref.table, ref.constraint);
      }
    }
  }

  /** DROP TABLE / VIEW / SEQUENCE: with its indexes, constraints, owned sequences and inbound foreign keys. */
  dropRelation(relation: Relation): void {
    for (const ref of [...relation.referencedBy]) if (ref.table !== relation) this.dropConstraint(ref.table, ref.constraint);
    for (const constraint of [...relation.constraints]) this.dropConstraint(relation, constraint);
    for (const index of [...relation.indexes]) this.dropIndex(index);
    this.relations.delete(relation.name);
    for (const sequence of [...relation.owns]) this.dropRelation(sequence);
    for (const view of relation.dependents) if (this.relations.get(view.name) === view) this.dropRelation(view);
    if (relation.kind === 'sequence') {
      this.forgetSequence(relation);
      this.own(relation, null);
    }
  }

  /** A dropped sequence takes the defaults that call it with it (DROP SEQUENCE … CASCADE). */
  private forgetSequence(sequence: Relation): void {
    for (const column of sequence.nextvalUsers) if (column.default?.kind === 'nextval' && column.default.sequence === sequence) column.default = null;
  }

  /** DROP COLUMN: indexes and constraints over it, sequences it owns, foreign keys onto it. */
  dropColumn(table: Relation, name: string): void {
    const column = table.column(name);
    for (const ref of [...table.referencedBy]) {
      const target = ref.constraint.references;
      if (target && 'relation' in target && target.columns.includes(name)) this.dropConstraint(ref.table, ref.constraint);
    }
    for (const constraint of [...table.constraints]) if (constraint.columns.includes(name)) this.dropConstraint(table, constraint);
    for (const index of [...table.indexes]) if (index.columns.includes(name)) this.dropIndex(index);
    for (const sequence of [...table.owns]) if (sequence.ownedBy?.column === name) this.dropRelation(sequence);
    remove(table.columns, column);
  }

  /** RENAME COLUMN: the column lists of its indexes, constraints and referencing keys follow. */
  renameColumn(table: Relation, from: string, to: string): void {
    if (table.columns.some((c) => c.name === to)) throw new Unfollowable(`column "${to}" of "${table.name}" already exists`);
    table.column(from).name = to;
    const rename = (list: string[]) => list.forEach((c, i) => c === from && (list[i] = to));
    for (const constraint of table.constraints) rename(constraint.columns);
    for (const index of table.indexes) rename(index.columns);
    for (const ref of table.referencedBy) {
      const target = ref.constraint.references;
      if (target && 'relation' in target) rename(target.columns);
    }
    for (const sequence of table.owns) if (sequence.ownedBy?.column === from) sequence.ownedBy.column = to;
  }

  private countName(name: string, delta: number): void {
    const count = (this.constraintNames.get(name) ?? 0) + delta;
    if (count > 0) this.constraintNames.set(name, count);
    else this.constraintNames.delete(name);
  }
}

function remove<T>(list: T[], item: T): void {
  const at = list.indexOf(item);
  if (at >= 0) list.splice(at, 1);
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c) => b.includes(c));
}

// ---------------------------------------------------------------- freezing

function defaultText(value: ColumnDefault | null): string | null {
  if (value === null) return null;
  if (value.kind === 'expression') return value.text;
  return `nextval('${printIdentifier(value.sequence.name).replace(/'/g, "''")}'::regclass)`;
}

function freezeConstraint(schema: string, c: Constraint): ExpectedConstraint {
  if (!c.references) return { name: c.name, type: c.type };
  const references = 'relation' in c.references ? { schema, name: c.references.relation.name } : { schema: c.references.schema, name: c.references.name };
  return { name: c.name, type: c.type, references };
}

export function freezeRelation(schema: string, r: Relation): ExpectedRelation {
  const columns: ExpectedColumn[] = r.columns.map((c) => ({
    name: c.name,
    type: c.type,
    notNull: c.notNull,
    default: defaultText(c.default),
    addedBy: c.addedBy,
    addSql: [...c.addSql],
  }));
  return {
    name: r.name,
    kind: r.kind,
    columns,
    indexes: r.indexes.map((i) => i.name),
    constraints: r.constraints.map((c) => freezeConstraint(schema, c)),
    createdBy: r.createdBy,
    changedBy: [...r.changedBy],
    ...(r.ownedBy ? { ownedBy: r.ownedBy.table.name } : {}),
  };
}
