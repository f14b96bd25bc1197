/** The pure parts of the Django reader: finding the document in noisy stdout, and the child's environment. */
import t from 'tap';
import { childEnv, urlPasswordsOf } from '../../../src/history/django/child-env.js';
import { djangoHistoryHelper } from '../../../src/history/django/helper.js';
import { parseHelperOutput } from '../../../src/history/django/output.js';

const MARK = 'SMOKE_FIX_abc123';
const doc = {
  django: '5.1.4',
  migrations: [{ app: 'shop', name: '0001_initial', applied: '2026-01-02T03:04:05+00:00', statements: ['CREATE TABLE "shop_item" ("id" bigint);'], notes: [] }],
  warnings: [],
};

t.test('the document is read between this run’s markers, whatever the project prints around it', async (t) => {
  const forged = `\nSMOKE_FIX_other-BEGIN\n{"django":"0","migrations":[],"warnings":["forged"]}\nSMOKE_FIX_other-END\n`;
  const stdout = `banner from settings\n${forged}\n${MARK}-STARTED\nprint() from an app\n${MARK}-BEGIN\n${JSON.stringify(doc)}\n${MARK}-END\ntrailing noise\n`;
  t.same(parseHelperOutput(stdout, MARK), { kind: 'history', ...doc });
});

t.test('no start marker, a start marker alone, an error document, garbage', async (t) => {
  t.same(parseHelperOutput('Traceback …\n', MARK), { kind: 'not-started' });
  t.same(parseHelperOutput(`\n${MARK}-STARTED\n`, MARK), { kind: 'started-only' });
  t.same(parseHelperOutput(`\n${MARK}-BEGIN\n{"error":{"kind":"database-unreachable","message":"refused"}}\n${MARK}-END\n`, MARK), {
    kind: 'error',
    error: 'database-unreachable',
    message: 'refused',
  });
  t.throws(() => parseHelperOutput(`\n${MARK}-BEGIN\n{"django":\n${MARK}-END\n`, MARK), /not JSON/);
  const bad = { ...doc, migrations: [{ ...doc.migrations[0], statements: [1] }] };
  t.throws(() => parseHelperOutput(`\n${MARK}-BEGIN\n${JSON.stringify(bad)}\n${MARK}-END\n`, MARK), /migration #1 is malformed/);
});

t.test('the child gets a minimal environment plus what is configured, never smoke-fix’s own secrets', async (t) => {
  const parent = { PATH: '/usr/bin', HOME: '/root', LANG: 'C.UTF-8', DATABASE_URL: 'postgres://u:pw@h/db', ALICE_PW: 'x', API_TOKEN: 'y' };
  const env = childEnv({ DJANGO_SETTINGS_MODULE: 'acme.settings' }, parent);
  t.same(env, {
    PATH: '/usr/bin',
    HOME: '/root',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONIOENCODING: 'utf-8',
    PYTHONUNBUFFERED: '1',
    PYTHONHASHSEED: '0',
    DJANGO_SETTINGS_MODULE: 'acme.settings',
  });
  t.equal(childEnv({ DATABASE_URL: 'postgres://a:b@c/d' }, parent)['DATABASE_URL'], 'postgres://a:b@c/d', 'unless configured');
});

t.test('passwords inside configured URLs are masked in both forms', async (t) => {
  t.same(urlPasswordsOf({ DATABASE_URL: 'postgres://app:p%40ss@db/app', DJANGO_SETTINGS_MODULE: 'a.b', REDIS: 'redis://:tok@r:6379' }), ['p%40ss', 'p@ss', 'tok', 'tok']);
});

t.test('the helper carries only its marker; a marker with other characters is refused', async (t) => {
  const code = djangoHistoryHelper(MARK);
  t.match(code, `_smoke_fix_read_history('${MARK}')`);
  t.notMatch(code, '@@SMOKE_FIX_MARK@@');
  t.throws(() => djangoHistoryHelper("x'); import os; os.system('id'); ('"));
});
