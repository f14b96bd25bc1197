/**
 * A response body must not be able to draw on the terminal (issue 9): ANSI escapes, carriage
 * returns and bidi overrides in names, reasons and excerpts are shown as visible escapes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { terminalSafe } from '../../src/util/terminal-safe.js';
import { createTestDatabase, stopSharedServerAtEnd } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { runCli } from '../security/cli.js';

stopSharedServerAtEnd(t);

const FAKE_GREEN = '\u001b[2K\u001b[1G\u001b[32msmoke-fix GREEN: every endpoint answered as expected\u001b[0m';

t.test('escapes from a body reach the terminal only as visible text', async (t) => {
  const db = await createTestDatabase(t);
  const server = createServer((req, res) => {
    // A name the diagnosis accepts (any characters between the quotes): shown in findings and refusals.
    if (req.url === '/name/') res.writeHead(500).end(`relation "evil\u202e${FAKE_GREEN}" does not exist`);
    else res.writeHead(500).end(`no database error here\r${FAKE_GREEN}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const dir = await tempDir(t);
  const file = join(dir, 'config.yaml');
  await writeFile(
    file,
    `baseUrl: http://127.0.0.1:${(server.address() as AddressInfo).port}\ndatabase: { url: "${db.url}" }\nendpoints: [/name/, /plain/]\nreport: { dir: reports }\n`,
  );
  for (const args of [['run', file, '--verbose'], ['run', file, '--plan']]) {
    const r = await runCli(args);
    t.equal(r.code, 1, r.stderr);
    const shown = r.stdout + r.stderr;
    t.notOk(/[\u001b\r\u202e]/.test(shown), `${args.join(' ')}: no raw ESC, CR or bidi override`);
    t.match(shown, /\\u001b\[32msmoke-fix GREEN/, 'the escape is shown, visibly');
  }
});

t.test('terminalSafe keeps text and tabs, escapes controls (and newlines unless asked)', async (t) => {
  t.equal(terminalSafe('a\tb é'), 'a\tb é');
  t.equal(terminalSafe('a\u001b[31mb\rc\nd\u009b'), 'a\\u001b[31mb\\u000dc\\u000ad\\u009b');
  t.equal(terminalSafe('line 1\nline 2\u001b', { keepNewlines: true }), 'line 1\nline 2\\u001b');
});
