import t from 'tap';
import { splitShellWords } from '../../src/config/shell-words.js';

t.test('words split as a shell would: quotes and backslashes respected', async (t) => {
  t.same(splitShellWords('python3 manage.py'), ['python3', 'manage.py']);
  t.same(splitShellWords(`docker compose exec "web app" python 'manage.py'`), ['docker', 'compose', 'exec', 'web app', 'python', 'manage.py']);
  t.same(splitShellWords('python3 my\\ project/manage.py'), ['python3', 'my project/manage.py']);
});

t.test('what only a shell would do is refused, saying what to write instead', async (t) => {
  t.match(splitShellWords('python3 manage.py | tee out'), /^must be one command: `\|` is shell syntax/);
  t.match(splitShellWords('cd app && python3 manage.py'), /`&&` is shell syntax/);
  t.match(splitShellWords('python3 $HOME/manage.py'), /must not use `\$VAR`.*use `\$\{VAR\}`/);
  t.match(splitShellWords('python3 manage.py # run it'), /must not hold a `#` comment/);
  t.same(splitShellWords('python3 "#1.py"'), ['python3', '#1.py'], 'a quoted # is text');
});
