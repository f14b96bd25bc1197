import t from 'tap';
import { interpolate } from '../../src/config/interpolate.js';

const env = { HOST: 'db.internal', EMPTY: '', PW: 'pa$$word}' };

t.test('fills ${VAR} and ${VAR:-default} from the environment', async (t) => {
  const cases: { input: string; value: string }[] = [
    { input: 'postgres://${HOST}/app', value: 'postgres://db.internal/app' },
    { input: '${HOST}:${HOST}', value: 'db.internal:db.internal' },
    { input: '${UNSET:-fallback}', value: 'fallback' },
    { input: '${HOST:-fallback}', value: 'db.internal' },
    // Shell semantics: `:-` also replaces a variable that is set but empty.
    { input: '${EMPTY:-fallback}', value: 'fallback' },
    { input: 'x${EMPTY}y', value: 'xy' },
    { input: '${UNSET:-}', value: '' },
    { input: '${UNSET:-a:-b}', value: 'a:-b' },
    // A value is inserted as is, never interpolated again.
    { input: '${PW}', value: 'pa$$word}' },
    { input: 'literal $${HOST} stays', value: 'literal ${HOST} stays' },
    { input: 'cost: $5 and {braces}', value: 'cost: $5 and {braces}' },
  ];
  for (const c of cases) {
    const got = interpolate(c.input, env);
    t.same(got.problems, [], c.input);
    t.equal(got.value, c.value, c.input);
  }
});

t.test('reports each bad reference with its text, never a value', async (t) => {
  const cases: { input: string; token: string; message: RegExp }[] = [
    { input: 'a ${MISSING} b', token: '${MISSING}', message: /environment variable MISSING is not set.*\$\{MISSING:-default\}/ },
    { input: 'x ${1BAD}', token: '${1BAD}', message: /variable name/ },
    { input: 'x ${}', token: '${}', message: /variable name/ },
    { input: 'open ${HOST', token: '${HOST', message: /unterminated/ },
  ];
  for (const c of cases) {
    const got = interpolate(c.input, env);
    t.equal(got.problems.length, 1, c.input);
    t.equal(got.problems[0]?.token, c.token, c.input);
    t.match(got.problems[0]?.message, c.message, c.input);
  }
  const two = interpolate('${A}/${B:-b}/${C}', {});
  t.same(two.problems.map((p) => p.token), ['${A}', '${C}'], 'every missing variable, in order');
});

t.test('text without references is returned unchanged', async (t) => {
  t.same(interpolate('plain', {}), { value: 'plain', changed: false, problems: [] });
});
