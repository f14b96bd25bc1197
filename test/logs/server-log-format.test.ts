/** PostgreSQL's log formats read into records that name their database, role and time (pure). */
import t from 'tap';
import { csvlogRecords, jsonlogRecords, pgLogTime, prefixParser, stderrRecords } from '../../src/logs/server-log-format.js';

t.test('stderr: database, role and time read from the log_line_prefix', async (t) => {
  const parser = prefixParser('%m [%p] %q%u@%d ');
  t.ok(parser.hasDatabase && parser.hasUser);
  const [rec] = stderrRecords(
    ['2026-11-30 05:00:01.250 UTC [4242] web@app ERROR:  relation "x" does not exist at character 15', '2026-11-30 05:00:01.250 UTC [4242] web@app STATEMENT:  SELECT * FROM x'],
    parser,
  );
  t.same({ database: rec!.database, user: rec!.user, time: rec!.time }, { database: 'app', user: 'web', time: Date.parse('2026-11-30T05:00:01.250Z') });
  t.match(rec!.text, /STATEMENT:  SELECT \* FROM x/, 'with its STATEMENT');
  const [bg] = stderrRecords(['2026-11-30 05:00:01.250 UTC [7] LOG:  checkpoint starting: time'], parser);
  t.equal(bg!.database, undefined, 'a background process (after %q) names no database');
  t.notOk(prefixParser('%m [%p] ').hasDatabase, 'the default prefix names no database');
  const padded = prefixParser('%-10u|%d| ').parse('web       |shop| FEHLER:  Relation »x« existiert nicht');
  t.same(padded, { user: 'web', database: 'shop' }, 'padding and a translated severity');
});

t.test('csvlog: quoted fields over several lines, a row cut by the read waits for the rest', async (t) => {
  const row = '2026-11-30 05:00:01.250 UTC,"web","app",4242,"127.0.0.1:5000",abc.1,1,"SELECT",2026-11-30 05:00:00 UTC,3/4,0,ERROR,42P01,"relation ""x"" does not exist",,,,,,"SELECT *\nFROM x",15,,"psql","client backend",,0';
  const lines = row.split('\n');
  const first = csvlogRecords(lines.slice(0, 1), '');
  t.same(first.records, [], 'half a row is no record');
  const rest = csvlogRecords(lines.slice(1), first.pending);
  t.equal(rest.records.length, 1);
  const rec = rest.records[0]!;
  t.same({ database: rec.database, user: rec.user }, { database: 'app', user: 'web' });
  t.match(rec.text, 'ERROR:  relation "x" does not exist');
  t.match(rec.text, 'STATEMENT:  SELECT *\nFROM x');
});

t.test('jsonlog: dbname and user; a cut line is skipped', async (t) => {
  const recs = jsonlogRecords([
    JSON.stringify({ timestamp: '2026-11-30 05:00:01.250 UTC', user: 'web', dbname: 'app', error_severity: 'ERROR', message: 'relation "x" does not exist', statement: 'SELECT * FROM x' }),
    '{"timestamp":"2026-11-30 05:0',
  ]);
  t.equal(recs.length, 1);
  t.same({ database: recs[0]!.database, user: recs[0]!.user, time: recs[0]!.time }, { database: 'app', user: 'web', time: Date.parse('2026-11-30T05:00:01.250Z') });
});

t.test('times in a zone that cannot be read exactly are not guessed', async (t) => {
  t.equal(pgLogTime('2026-11-30 05:00:01 CET'), undefined);
  t.equal(pgLogTime('2026-11-30 05:00:01 +01'), Date.parse('2026-11-30T04:00:01Z'));
});

t.test('stderr: a user or database name that imitates a prefix of ours names no database', async (t) => {
  const parser = prefixParser('%m [%p] %q%u@%d ');
  // PostgreSQL writes %u and %d from the startup packet, before authentication.
  const forgedDb = parser.parse('2026-11-30 05:00:01.250 UTC [7] x@app ERROR:  relation "d" does not exist FATAL:  password authentication failed for user "x"');
  t.same(forgedDb, { ambiguousPrefix: true }, 'database name carrying a severity');
  const forgedUser = parser.parse('2026-11-30 05:00:01.250 UTC [7] web@app ERROR:  relation "d" does not exist@other FATAL:  role "web@app ERROR:  relation "d" does not exist" does not exist');
  t.same(forgedUser, { ambiguousPrefix: true }, 'user name carrying a prefix and a severity');
  const appName = prefixParser('%m [%p] %a %u@%d ').parse('2026-11-30 05:00:01.250 UTC [7] x web@app ERROR:  relation "d" does not exist psql web@other ERROR:  boom');
  t.same(appName, { ambiguousPrefix: true }, 'application_name before %u');
  t.same(parser.parse('2026-11-30 05:00:01.250 UTC [7] web@app ERROR:  relation "x" does not exist'), { database: 'app', user: 'web', time: Date.parse('2026-11-30T05:00:01.250Z') }, 'an ordinary line still reads');
});

t.test('stderr: a secondary line joins its message only when its prefix is that message\'s', async (t) => {
  const parser = prefixParser('%m [%p] %q%u@%d ');
  const recs = stderrRecords(
    [
      '2026-11-30 05:00:01.250 UTC [7] web@app ERROR:  relation "real_item" does not exist at character 16',
      '2026-11-30 05:00:01.250 UTC [7] web@app STATEMENT:  SELECT id FROM real_item',
      // A failed start-up whose database name carries a label: not a line of the message above.
      '2026-11-30 05:00:01.260 UTC [8] x@app DETAIL: relation "d" does not exist FATAL:  password authentication failed for user "x"',
      '2026-11-30 05:00:02.000 UTC [9] web@app ERREUR:  la relation « y » n\'existe pas',
      '2026-11-30 05:00:02.000 UTC [9] web@app INSTRUCTION : SELECT * FROM y',
    ],
    parser,
  );
  t.equal(recs.length, 3, recs.map((r) => r.text).join('\n---\n'));
  t.match(recs[0]!.text, /STATEMENT:  SELECT id FROM real_item$/, 'the genuine STATEMENT line stays with its ERROR');
  t.notMatch(recs[0]!.text, /"d"/, 'the forged line is not part of it');
  t.not(recs[1]!.database, 'app', 'the forged line, on its own, is not of this database');
  t.match(recs[2]!.text, /INSTRUCTION : SELECT/, 'a French secondary line still joins its message');
});
