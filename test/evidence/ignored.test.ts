import t from 'tap';
import { IgnoredTally, MAX_EXAMPLES } from '../../src/evidence/ignored.js';
import { IGNORE_REASONS } from '../../src/evidence/tie.js';

const relation = (name: string) => ({ kind: 'missing-relation', name, message: `relation "${name}" does not exist`, language: 'en' }) as const;
const log = { type: 'log', file: '/var/log/app.log' } as const;

t.test('counted per reason, a few examples each, hostile text quoted as JSON', async (t) => {
  const tally = new IgnoredTally();
  const reason = Object.keys(IGNORE_REASONS)[0] as keyof typeof IGNORE_REASONS;
  for (let i = 0; i < MAX_EXAMPLES + 2; i++) tally.add(reason, log, [relation(`decoy_${i}`)], `ERROR: relation "decoy_${i}" does not exist\nsecond line`);
  tally.add(reason, log, [], 'INFO no database error here');
  tally.add(reason, { type: 'server-log' }, [{ kind: 'missing-column', column: 'c', table: 't', message: '', language: 'en' }], '\u001b[31mred "quoted"');
  const [summary] = tally.summary();
  t.equal(summary?.why, IGNORE_REASONS[reason]);
  t.equal(summary?.count, MAX_EXAMPLES + 3, 'a record with no finding is not evidence');
  t.equal(summary?.examples.length, MAX_EXAMPLES);
  t.equal(summary?.examples[0], '"decoy_0" in log file /var/log/app.log: "ERROR: relation \\"decoy_0\\" does not exist"', 'first line only');
  t.same(new IgnoredTally().summary(), []);
});
