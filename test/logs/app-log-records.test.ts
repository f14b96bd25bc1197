import t from 'tap';
import { groupAppLogLines, requestPathOf } from '../../src/logs/app-log-records.js';
import { DJANGO_MISSING_TABLE, DJANGO_SERVER_ACCESS } from './fixtures.js';

const lines = (text: string) => text.split('\n');

t.test('a Django 500 with its chained traceback is one record naming the request path', async (t) => {
  const { records } = groupAppLogLines(lines(`INFO django.server: "GET / HTTP/1.1" 200 12\n${DJANGO_MISSING_TABLE}${DJANGO_SERVER_ACCESS}\n`));
  t.equal(records.length, 3);
  const [, error, access] = records;
  t.equal(error?.requestPath, '/@alice/');
  t.equal(error?.text, DJANGO_MISSING_TABLE.trimEnd(), 'the whole record, both tracebacks, nothing else');
  t.match(error?.text, /psycopg2\.errors\.UndefinedTable: relation "user_profile_about_item" does not exist/);
  t.match(error?.text, /django\.db\.utils\.ProgrammingError: relation "user_profile_about_item"/);
  t.equal(access?.text, DJANGO_SERVER_ACCESS);
  t.equal(access?.requestPath, '/@alice/');
});

t.test('record starts in the common formats', async (t) => {
  const text = [
    '[2026-11-23 10:00:01 +0000] [42] [ERROR] Error handling request /teams/7/',
    'Traceback (most recent call last):',
    '  File "/srv/app/x.py", line 1, in f',
    'psycopg2.errors.UndefinedColumn: column teams_membership.left_at does not exist',
    '10.0.0.1 - - [23/Nov/2026:10:00:01 +0000] "GET /teams/7/?tab=members HTTP/1.1" 500 145 "-" "curl/8"',
    'ERROR:django.request:Internal Server Error: /me/settings/',
    'Traceback (most recent call last):',
    '  File "/srv/app/y.py", line 2, in g',
    'django.db.utils.ProgrammingError: relation "user_profile_stream_config" does not exist',
    'Not Found: /favicon.ico',
    'Nov 23 10:00:02 web1 app[99]: started',
    '{"level":"error","msg":"relation \\"x\\" does not exist"}',
  ].join('\n');
  const { records } = groupAppLogLines(lines(text));
  t.same(
    records.map((r) => [r.text.split('\n').length, r.requestPath]),
    [
      [4, '/teams/7/'],
      [1, '/teams/7/?tab=members'],
      [4, '/me/settings/'],
      [1, '/favicon.ico'],
      [1, undefined],
      [1, undefined],
    ],
  );
});

t.test('a traceback after an access line or after a finished traceback is a record of its own', async (t) => {
  const text = [
    '[23/Nov/2026 10:00:00] "GET /a/ HTTP/1.1" 500 10',
    'Traceback (most recent call last):',
    '  File "a.py", line 1, in a',
    'ValueError: first',
    'Traceback (most recent call last):',
    '  File "b.py", line 1, in b',
    'ValueError: second',
  ].join('\n');
  const { records } = groupAppLogLines(lines(text));
  t.equal(records.length, 3);
  t.equal(records[0]?.requestPath, '/a/');
  t.equal(records[1]?.requestPath, undefined, 'the access line is logged after its request; the traceback is not its');
  t.match(records[2]?.text, /^Traceback[^]*second$/);
});

t.test('continuation lines at the top of a later read keep the open record’s request path', async (t) => {
  const all = lines(DJANGO_MISSING_TABLE.trimEnd());
  const first = groupAppLogLines(all.slice(0, 6));
  const second = groupAppLogLines(all.slice(6), first.state);
  t.equal(first.records[0]?.requestPath, '/@alice/');
  t.equal(second.records.length, 1, 'the rest of the chained traceback stays together');
  t.equal(second.records[0]?.requestPath, '/@alice/');
  t.match(second.records[0]?.text, /ProgrammingError/);
});

t.test('requestPathOf reads the path, not words that look like one', async (t) => {
  t.equal(requestPathOf('WARNING django.request: Not Found: /nope/'), '/nope/');
  t.equal(requestPathOf('WARNING django.request: Method Not Allowed (POST): /x/'), '/x/');
  t.equal(requestPathOf('INFO:     127.0.0.1:5000 - "GET /@alice/ HTTP/1.1" 500 Internal Server Error'), '/@alice/');
  t.equal(requestPathOf('ERROR app: relation "a/b" does not exist'), undefined);
});
