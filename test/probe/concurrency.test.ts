import t from 'tap';
import { mapWithConcurrency } from '../../src/probe/concurrency.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('never more than limit calls at once; results in input order', async (t) => {
  let running = 0;
  let peak = 0;
  const results = await mapWithConcurrency({
    items: [30, 5, 20, 1, 10, 2],
    limit: 2,
    fn: async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await tick(ms);
      running--;
      return `${i}:${ms}`;
    },
  });
  t.equal(peak, 2);
  t.same(results, ['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
  t.same(await mapWithConcurrency({ items: [], limit: 4, fn: async () => 1 }), []);
});

t.test('after a failure no new call starts, running ones finish, the first error is thrown', async (t) => {
  const started: number[] = [];
  const finished: number[] = [];
  const error = await mapWithConcurrency({
    items: [0, 1, 2, 3, 4],
    limit: 2,
    fn: async (i) => {
      started.push(i);
      if (i === 0) {
        await tick(5);
        throw new Error('first');
      }
      await tick(20);
      finished.push(i);
      return i;
    },
  }).catch((e: unknown) => e);
  t.match(error, { message: 'first' });
  t.same(started, [0, 1], 'nothing started after the failure');
  t.same(finished, [1], 'the running call was awaited');
});
