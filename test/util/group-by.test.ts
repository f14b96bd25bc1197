import t from 'tap';
import { groupBy } from '../../src/util/group-by.js';

t.test('groups keep input order, keys in first-seen order, absent keys have no group', async (t) => {
  const rows = [
    { ord: 2, v: 'a' },
    { ord: 1, v: 'b' },
    { ord: 2, v: 'c' },
  ];
  const byOrd = groupBy(rows, (r) => r.ord);
  t.same([...byOrd.keys()], [2, 1]);
  t.same(byOrd.get(2)?.map((r) => r.v), ['a', 'c']);
  t.same(byOrd.get(1)?.map((r) => r.v), ['b']);
  t.equal(byOrd.get(3), undefined);
});
