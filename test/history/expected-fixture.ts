/** Hand-built expected schemas for the drift, planner and verification tests. */
import type { ExpectedColumn, ExpectedConstraint, ExpectedRelation, ExpectedSchema, MigrationRef } from '../../src/history/types.js';

export const INITIAL: MigrationRef = { id: 'shop.0001_initial', appliedAt: '2025-12-29T14:02:00Z' };
export const ADD_FLAG: MigrationRef = { id: 'shop.0002_item_flag', appliedAt: '2025-12-29T14:03:00Z' };

export function column(name: string, type: string, notNull = false, extra: Partial<ExpectedColumn> = {}): ExpectedColumn {
  return { name, type, notNull, default: null, addedBy: INITIAL, addSql: [], ...extra };
}

export function table(
  name: string,
  columns: readonly ExpectedColumn[],
  extra: { indexes?: readonly string[]; constraints?: readonly ExpectedConstraint[]; createdBy?: MigrationRef; kind?: ExpectedRelation['kind']; ownedBy?: string } = {},
): ExpectedRelation {
  return {
    name,
    kind: extra.kind ?? 'table',
    columns,
    indexes: extra.indexes ?? [`${name}_pkey`],
    constraints: extra.constraints ?? [{ name: `${name}_pkey`, type: 'primary-key' }],
    createdBy: extra.createdBy ?? INITIAL,
    changedBy: [],
    ...(extra.ownedBy ? { ownedBy: extra.ownedBy } : {}),
  };
}

export function schemaOf(relations: readonly ExpectedRelation[], schema = 'public'): ExpectedSchema {
  return { schema, relations: new Map(relations.map((r) => [r.name, r])), unfollowed: [], migrationCount: 2, statementCount: relations.length };
}

/**
 * The shop app: `shop_item` (id, name, flag added NOT NULL DEFAULT false by 0002) and
 * `shop_order` with a FK to shop_item, plus `shop_note`, which no endpoint reads.
 */
export const SHOP_ITEM = table('shop_item', [
  column('id', 'bigint', true),
  column('name', 'character varying(100)', true),
  column('flag', 'boolean', true, {
    addedBy: ADD_FLAG,
    addSql: [
      'ALTER TABLE "shop_item" ADD COLUMN "flag" boolean DEFAULT false NOT NULL;',
      'ALTER TABLE "shop_item" ALTER COLUMN "flag" DROP DEFAULT;',
    ],
  }),
]);
export const SHOP_ORDER = table('shop_order', [column('id', 'bigint', true), column('item_id', 'bigint', true)], {
  indexes: ['shop_order_item_id_idx', 'shop_order_pkey'],
  constraints: [
    { name: 'shop_order_item_fk', type: 'foreign-key', references: { schema: 'public', name: 'shop_item' } },
    { name: 'shop_order_pkey', type: 'primary-key' },
  ],
});
export const SHOP_NOTE = table('shop_note', [column('id', 'bigint', true), column('body', 'text')]);
export const SHOP = schemaOf([SHOP_ITEM, SHOP_ORDER, SHOP_NOTE]);

/** The SQL that builds what SHOP expects, in a given schema (`%s`). */
export function shopSql(schema: string, itemSchema = schema): string {
  return `
    CREATE TABLE ${schema}.shop_item (id bigint PRIMARY KEY, name varchar(100) NOT NULL, flag boolean NOT NULL DEFAULT false);
    ALTER TABLE ${schema}.shop_item ALTER COLUMN flag DROP DEFAULT;
    CREATE TABLE ${schema}.shop_order (id bigint CONSTRAINT shop_order_pkey PRIMARY KEY,
      item_id bigint NOT NULL CONSTRAINT shop_order_item_fk REFERENCES ${itemSchema}.shop_item (id));
    CREATE INDEX shop_order_item_id_idx ON ${schema}.shop_order (item_id);
    CREATE TABLE ${schema}.shop_note (id bigint PRIMARY KEY, body text);
  `;
}
