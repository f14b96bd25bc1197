import t from 'tap';
import { groupPostgresLogLines } from '../../src/logs/postgres-log-records.js';

t.test('each ERROR is grouped with its STATEMENT, DETAIL and HINT lines', async (t) => {
  const log = [
    '2026-11-23 10:00:00.100 UTC [101] LOG:  checkpoint starting: time',
    '2026-11-23 10:00:01.200 UTC [202] ERROR:  relation "user_profile_about_item" does not exist at character 15',
    '2026-11-23 10:00:01.200 UTC [202] STATEMENT:  SELECT *',
    '\t  FROM user_profile_about_item',
    '2026-11-23 10:00:02.300 UTC [203] ERROR:  column "left_at" does not exist at character 8',
    '2026-11-23 10:00:02.300 UTC [203] HINT:  Perhaps you meant to reference the column "m.left".',
    '2026-11-23 10:00:02.300 UTC [203] STATEMENT:  SELECT left_at FROM teams_membership m',
  ];
  const messages = groupPostgresLogLines(log);
  t.same(messages, [log[0], log.slice(1, 4).join('\n'), log.slice(4).join('\n')]);
});

t.test('secondary lines are recognised in the server’s lc_messages language', async (t) => {
  const log = [
    '2026-11-23 10:00:01.200 CET [202] FEHLER:  Relation »user_profile_about_item« existiert nicht at character 15',
    '2026-11-23 10:00:01.200 CET [202] ANWEISUNG:  SELECT * FROM user_profile_about_item',
    '2026-11-23 10:00:02.200 CET [203] ERREUR:  la relation « x » n\'existe pas',
    '2026-11-23 10:00:02.200 CET [203] INSTRUCTION :  SELECT * FROM x',
    '2026-11-23 10:00:03.200 KST [204] 오류:  "x" 이름의 릴레이션(relation)이 없습니다',
    '2026-11-23 10:00:03.200 KST [204] 명령 구문:  SELECT * FROM x',
  ];
  t.equal(groupPostgresLogLines(log).length, 3);
});

t.test('a label inside the message text does not make a primary line secondary', async (t) => {
  const log = [
    'app@shop ERROR:  syntax error at or near "DETAIL:"',
    'app@shop ERROR:  relation "x" does not exist',
    'app@shop DETAIL:  none',
  ];
  t.same(groupPostgresLogLines(log), [log[0], `${log[1]}\n${log[2]}`]);
});
