import t from 'tap';
import { mapStringsDeep } from '../../src/util/deep-strings.js';

const upper = (s: string) => s.replace(/secret/g, '***');

t.test('every string is mapped, objects with no change are shared, not copied', async (t) => {
  const untouched = { a: 'plain', n: 1 };
  const when = new Date(0);
  const value = { untouched, list: ['x', 'my secret'], nested: { deep: { s: 'secret' } }, when, nil: null };
  const out = mapStringsDeep(value, upper);
  t.same(out, { untouched, list: ['x', 'my ***'], nested: { deep: { s: '***' } }, when, nil: null });
  t.equal(out.untouched, untouched, 'same object');
  t.equal(out.when, when, 'a Date is left alone');
  t.equal(value.list[1], 'my secret', 'the input is not changed');
  t.equal(mapStringsDeep(untouched, upper), untouched);
});

t.test('an Error keeps only its mapped message; a known-clean object is skipped', async (t) => {
  const mapped = mapStringsDeep(new Error('the secret'), upper);
  t.equal(mapped.message, 'the ***');
  const clean = new WeakSet<object>();
  const value = { s: 'secret' };
  clean.add(value);
  t.equal(mapStringsDeep(value, upper, clean), value, 'remembered as clean: not walked again');
  const fresh = { s: 'plain' };
  const set = new WeakSet<object>();
  mapStringsDeep(fresh, upper, set);
  t.ok(set.has(fresh), 'an unchanged object is remembered');
});

t.test('more than 32 levels deep is left as it is', async (t) => {
  let deep: unknown = 'secret';
  for (let i = 0; i < 40; i++) deep = { d: deep };
  t.equal(mapStringsDeep(deep, upper), deep);
});
