/** Shard assignment: stable by name, every name in exactly one shard, and the two CLI forms. */
import t from 'tap';
import { UsageError } from '../../src/errors.js';
import { inShard, shardFromArgs, shardIndexOf } from '../../src/fleet/shard.js';

const names = Array.from({ length: 500 }, (_, i) => `tenant_${i}`);

t.test('every name falls in exactly one of n shards', async (t) => {
  for (const count of [1, 2, 4, 7]) {
    const shards = Array.from({ length: count }, (_, i) => ({ index: i + 1, count }));
    t.ok(names.every((n) => shards.filter((s) => inShard(n, s)).length === 1), `n = ${count}`);
  }
});

t.test('adding or removing targets moves no other target', async (t) => {
  const before = new Map(names.map((n) => [n, shardIndexOf(n, 4)]));
  const grown = ['new_a', ...names.slice(0, 250), 'new_b', ...names.slice(300)];
  t.ok(grown.filter((n) => before.has(n)).every((n) => shardIndexOf(n, 4) === before.get(n)));
  // Not all in one shard: the hash spreads them (500 names, each shard gets a fair share).
  const sizes = [0, 1, 2, 3].map((i) => names.filter((n) => shardIndexOf(n, 4) === i).length);
  t.ok(sizes.every((s) => s > 90), `sizes ${sizes.join(', ')}`);
});

t.test('--shard i/n and --shards n with JOB_COMPLETION_INDEX', async (t) => {
  t.same(shardFromArgs({ shard: '2/4' }, {}), { index: 2, count: 4 });
  t.same(shardFromArgs({ shards: '4' }, { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 4 });
  t.same(shardFromArgs({ shards: '4' }, { JOB_COMPLETION_INDEX: '3' }), { index: 4, count: 4 });
  t.equal(shardFromArgs({}, { JOB_COMPLETION_INDEX: '3' }), undefined, 'no flag: every target');
  const bad: [Parameters<typeof shardFromArgs>[0], NodeJS.ProcessEnv, RegExp][] = [
    [{ shard: '0/4' }, {}, /1 ≤ i ≤ n/],
    [{ shard: '5/4' }, {}, /1 ≤ i ≤ n/],
    [{ shard: '2' }, {}, /--shard 2\/4/],
    [{ shards: '4' }, {}, /JOB_COMPLETION_INDEX .* is not set/],
    [{ shards: '4' }, { JOB_COMPLETION_INDEX: '4' }, /must be 0 to 3/],
    [{ shard: '1/2', shards: '2' }, {}, /contradict/],
  ];
  for (const [args, env, message] of bad) {
    const error = (() => {
      try {
        shardFromArgs(args, env);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    t.ok(error instanceof UsageError && message.test(error.message), `${JSON.stringify(args)}: ${String(error)}`);
  }
});
