import t from 'tap';
import { objectLabel } from '../../src/repair/object-label.js';
import type { MoveObjectAction } from '../../src/repair/types.js';
import { collected } from '../helpers/collected.js';

const action = (object: MoveObjectAction['object']): MoveObjectAction => ({
  kind: 'move-object',
  findings: [collected({ kind: 'missing-type', name: object.name, message: '', language: 'en' })],
  object,
  fromSchema: 'test_schema',
  toSchema: 'public',
  sql: '',
  rollbackSql: '',
});

t.test('routines with their argument types, types without, extensions unqualified', async (t) => {
  t.equal(objectLabel(action({ kind: 'function', name: 'total', oid: 1, argTypes: 'integer, text' })), 'function test_schema.total(integer, text)');
  t.equal(objectLabel(action({ kind: 'procedure', name: 'archive', oid: 1, argTypes: '' })), 'procedure test_schema.archive()');
  t.equal(objectLabel(action({ kind: 'type', name: 'mood', oid: 1 })), 'type test_schema.mood');
  t.equal(objectLabel(action({ kind: 'type', name: 'mood', oid: 1 }), 'public'), 'type public.mood', 'where it is after the move');
  t.equal(objectLabel(action({ kind: 'extension', name: 'uuid-ossp', oid: 0 })), 'extension uuid-ossp');
});
