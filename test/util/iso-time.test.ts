import t from 'tap';
import { isoTime } from '../../src/util/iso-time.js';

t.test('the same text as Date.toISOString, whatever the order of the times asked', async (t) => {
  // Repeats, alternations (a request's start and end) and a third value that evicts one slot.
  const times = [0, 1, 0, 1, 2, 2, 1, 5, 1_700_000_000_000, 5, 1_700_000_000_000, -1, 8.64e15];
  for (const at of times) t.equal(isoTime(at), new Date(at).toISOString(), String(at));
  const before = Date.now();
  const now = Date.parse(isoTime());
  t.ok(now >= before && now <= Date.now(), 'no argument: now');
});
