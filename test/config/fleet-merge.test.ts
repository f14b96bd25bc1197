/** A fleet target's config: the top level with the target's keys laid over it, by the key table's rule. */
import t from 'tap';
import { mergeTarget, missingRequired } from '../../src/config/fleet-merge.js';

const top = {
  baseUrl: 'http://shop-a.test',
  database: { url: 'postgres://a/shop', connectRetries: 3 },
  auth: { member: { type: 'bearer', token: 'tok-a' } },
  endpoints: ['/health', '/orders/'],
};

t.test('objects and mappings merge key by key; lists, strings and an auth profile are replaced whole', async (t) => {
  const merged = mergeTarget(top, {
    name: 'shop-b',
    baseUrl: 'http://shop-b.test',
    database: { url: 'postgres://b/shop' },
    auth: { member: { type: 'header', name: 'X-Key', value: 'k-b' }, admin: { type: 'basic', username: 'root', password: 'pw' } },
    endpoints: ['/health'],
  });
  t.same(merged, {
    baseUrl: 'http://shop-b.test',
    database: { url: 'postgres://b/shop', connectRetries: 3 },
    auth: { member: { type: 'header', name: 'X-Key', value: 'k-b' }, admin: { type: 'basic', username: 'root', password: 'pw' } },
    endpoints: ['/health'],
  }, 'the bearer token does not leak into the header profile; name is not a config key');
  t.same(top.database, { url: 'postgres://a/shop', connectRetries: 3 }, 'the top level is not changed');
  t.same(mergeTarget(top, { name: 'same' }), top, 'a target with no keys of its own is the top level');
});

t.test('a profile named __proto__ is a profile, not a prototype', async (t) => {
  const merged = mergeTarget(top, JSON.parse('{"name":"x","auth":{"__proto__":{"type":"bearer","token":"t"}}}') as Record<string, unknown>);
  const auth = merged.auth as Record<string, unknown>;
  t.ok(Object.hasOwn(auth, '__proto__'), 'an own key');
  t.equal(Object.getPrototypeOf(auth), Object.prototype);
});

t.test('required keys a merged target still lacks, as dotted paths', async (t) => {
  t.same(missingRequired(top), []);
  t.same(missingRequired({ database: {} }), ['baseUrl', 'database.url', 'endpoints']);
});
