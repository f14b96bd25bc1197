/**
 * The secrets test (issue 9): a sentinel value in every secret-bearing key, a real local app that
 * echoes them back (bodies, headers, redirect `Location`, log lines), real PostgreSQL with a real
 * move, smoke-fix run through its CLI — then every byte it wrote is scanned for every sentinel in
 * every encoding. The expected number of hits is 0.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { createTestDatabase, stopSharedServerAtEnd, withClient } from '../helpers/database.js';
import { tempDir } from '../helpers/temp.js';
import { runCli } from './cli.js';

stopSharedServerAtEnd(t);

/** Unique, random start (so a cut prefix is found too), then characters every encoding changes. */
const sentinel = (what: string) => `${randomBytes(6).toString('hex')}-${what} !"+/é&=`;

const S = {
  globalHeader: sentinel('global-header'),
  endpointHeader: sentinel('endpoint-header'),
  bearer: sentinel('bearer-token'),
  basicPassword: sentinel('basic-pw'),
  apiKey: sentinel('api-key'),
  loginPassword: sentinel('login-pw'),
  baseUrlPassword: sentinel('baseurl-pw'),
  dbPassword: sentinel('db-pw'),
  // Received, not configured: the session cookie the app hands out at login.
  sessionCookie: `${randomBytes(6).toString('hex')}sessioncookie${randomBytes(8).toString('hex')}`,
};

/** Every spelling a sentinel may take in what smoke-fix writes. Written here independently of src/. */
function encodings(secret: string, user?: string): Record<string, string> {
  const out: Record<string, string> = {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    'json-ascii': JSON.stringify(secret).slice(1, -1).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')),
    url: encodeURIComponent(secret),
    'url-lower': encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    form: new URLSearchParams({ x: secret }).toString().slice(2),
    html: secret.replace(/&/g, '&amp;').replace(/"/g, '&quot;'),
    base64: Buffer.from(secret).toString('base64'),
    // An excerpt cut inside the secret leaves its start: the unique random head is looked for alone.
    prefix: secret.slice(0, 8),
  };
  if (user !== undefined) out['base64-basic'] = Buffer.from(`${user}:${secret}`).toString('base64');
  return out;
}

function echoAll(req: IncomingMessage, extra: string): string {
  const headers = JSON.stringify(req.headers);
  const values = Object.values(req.headers).flat().join('\n');
  return [
    '<html><body><h1>Server Error (500)</h1>',
    `<pre>headers: ${headers}</pre>`,
    `<pre>${values}</pre>`,
    `<p>url-encoded: ${Object.values(req.headers).flat().map((v) => encodeURIComponent(String(v))).join(' ')}</p>`,
    `<p>base64: ${Buffer.from(values).toString('base64')}</p>`,
    `<p>${extra}</p>`,
    '</body></html>',
  ].join('\n');
}

t.test('no sentinel, in any encoding, in any byte smoke-fix writes', async (t) => {
  const db = await createTestDatabase(t);
  const role = `sf_secret_${randomBytes(4).toString('hex')}`;
  await db.exec(`
    CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${S.dbPassword.replace(/'/g, "''")}';
    CREATE SCHEMA test_schema;
    CREATE TABLE test_schema.sf_items (id int primary key, label text);
    INSERT INTO test_schema.sf_items VALUES (1, 'one'), (2, 'two');
  `);
  t.teardown(() => withClient(db.url, (c) => c.query(`DROP ROLE IF EXISTS ${role}`)).catch(() => {}));
  const adminUrl = new URL(db.url);
  const smokeDbUrl = new URL(db.url);
  smokeDbUrl.username = role;
  smokeDbUrl.password = encodeURIComponent(S.dbPassword);

  const dir = await tempDir(t);
  const appLog = join(dir, 'app.log');
  writeFileSync(appLog, '');
  const log = (line: string) => appendFileSync(appLog, line.replace(/\n/g, ' ') + '\n');
  const pool = new pg.Pool({ connectionString: adminUrl.toString(), max: 2 });
  t.teardown(() => pool.end());
  let lastLoginBody = '';

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await new Promise<string>((resolve) => {
      let b = '';
      req.on('data', (d) => (b += d));
      req.on('end', () => resolve(b));
    });
    const url = req.url ?? '/';
    log(`INFO "${req.method} ${url}" headers=${JSON.stringify(req.headers)} body=${body}`);
    if (url === '/accounts/login/' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'csrftoken=csrfcookie0123456789abcdef; Path=/' });
      res.end('<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="formtoken0123456789abcdef"></form>');
      return;
    }
    if (url === '/accounts/login/') {
      lastLoginBody = body;
      res.writeHead(302, {
        location: `/home/?echo=${encodeURIComponent(body)}`,
        'set-cookie': [`sessionid=${S.sessionCookie}; Path=/; HttpOnly`, 'csrftoken=csrfrotated0123456789abcdef; Path=/'],
      });
      res.end();
      return;
    }
    if (url === '/items/') {
      try {
        const r = await pool.query('SELECT count(*) FROM sf_items');
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`items: ${r.rows[0].count}\n${echoAll(req, lastLoginBody)}`);
      } catch (e) {
        const message = (e as Error).message;
        log(`ERROR "GET /items/" ${message} cookie=${req.headers.cookie ?? ''} login=${lastLoginBody}`);
        res.writeHead(500, { 'content-type': 'text/html', 'x-echo': encodeURIComponent(req.headers.cookie ?? '') });
        res.end(`${message}\n${echoAll(req, `login form was ${lastLoginBody}; db ${smokeDbUrl.toString()} ${JSON.stringify(S.dbPassword)}`)}`);
      }
      return;
    }
    if (url === '/redirect/') {
      const all = Object.values(req.headers).flat().join(' ');
      res.writeHead(302, { location: `/elsewhere/?h=${encodeURIComponent(all)}&b=${Buffer.from(all).toString('base64')}&raw=${all.replace(/[^\x21-\x7e]/g, '_')}` }).end();
      return;
    }
    if (url === '/cut/') {
      // A 500 with no database error: its excerpt is cut at 300 chars, inside a secret.
      const pad = 'x'.repeat(296);
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${pad}${S.dbPassword} ${S.bearer} ${S.globalHeader}`);
      return;
    }
    // /echo/*: every header it got, in every spelling, plus the passwords it should not know.
    res.writeHead(500, { 'content-type': 'text/html', 'x-echo': encodeURIComponent(JSON.stringify(req.headers)) });
    res.end(echoAll(req, `${S.baseUrlPassword} ${encodeURIComponent(S.dbPassword)} relation "sf_items" does not exist`));
    log(`ERROR "${req.method} ${url}" relation "sf_items" does not exist auth=${req.headers.authorization ?? ''} key=${req.headers['x-api-key'] ?? ''}`);
  };
  const server = createServer((req, res) => void handler(req, res).catch((e) => res.writeHead(599).end(String(e))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  const port = (server.address() as AddressInfo).port;

  const config = join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      'baseUrl: ${BASE_URL}',
      'database: { url: "${DATABASE_URL}" }',
      'http:',
      '  headers: { X-Tenant-Key: "${S_GLOBAL}" }',
      'auth:',
      '  member: { type: django-session, loginPath: /accounts/login/, username: alice, password: "${S_LOGIN}" }',
      '  api: { type: bearer, token: "${S_BEARER}" }',
      '  basicp: { type: basic, username: bob, password: "${S_BASIC}" }',
      '  key: { type: header, name: X-Api-Key, value: "${S_APIKEY}" }',
      'endpoints:',
      '  - { name: items, path: /items/, auth: member }',
      '  - { name: bearer, path: /echo/bearer/, auth: api }',
      '  - { name: basic, path: /echo/basic/, auth: basicp }',
      '  - { name: key, path: /echo/key/, auth: key, headers: { X-Signature: "${S_ENDPOINT}" } }',
      '  - { name: redirect, path: /redirect/, headers: { X-Signature: "${S_ENDPOINT}" } }',
      '  - { name: cut, path: /cut/ }',
      `logs: [ ${appLog} ]`,
      'repair: { mode: apply, maxRounds: 3 }',
      'report: { dir: reports }',
      '',
    ].join('\n'),
  );
  const env = {
    BASE_URL: `http://alice:${encodeURIComponent(S.baseUrlPassword)}@127.0.0.1:${port}`,
    DATABASE_URL: smokeDbUrl.toString(),
    S_GLOBAL: S.globalHeader,
    S_LOGIN: S.loginPassword,
    S_BEARER: S.bearer,
    S_BASIC: S.basicPassword,
    S_APIKEY: S.apiKey,
    S_ENDPOINT: S.endpointHeader,
  };
  const logFile = join(dir, 'smoke-fix.log');

  const runs = [
    await runCli(['run', config, '--verbose', '--log-file', logFile], env),
    await runCli(['run', config, '--json', '--log-file', logFile], env),
    // The database password in a refused connection: a role that does not exist, exit 3.
    await runCli(['run', config, '--log-file', logFile], { ...env, DATABASE_URL: smokeDbUrl.toString().replace(role, `${role}_nobody`) }),
    await runCli(['scan', config], env),
    await runCli(['validate', config], env),
  ];
  t.equal(runs[0]!.code, 1, `the echo endpoints stay red: ${runs[0]!.stderr}`);
  t.match(runs[0]!.stderr, /repaired/, 'a real move happened (repair.sql is not empty)');
  t.equal(runs[2]!.code, 3, 'the refused database is an environment error');
  t.equal(
    (await db.query<{ n: string }>('SELECT count(*) AS n FROM public.sf_items'))[0]!.n,
    '2',
    'the table moved with its rows',
  );

  // Every byte written: stdout, stderr, every file under the report folder, the log file.
  const outputs: Array<{ name: string; text: string }> = runs.flatMap((r, i) => [
    { name: `run ${i} stdout`, text: r.stdout },
    { name: `run ${i} stderr`, text: r.stderr },
  ]);
  const walk = async (d: string): Promise<void> => {
    for (const entry of await readdir(d)) {
      const p = join(d, entry);
      if ((await stat(p)).isDirectory()) await walk(p);
      else outputs.push({ name: p, text: await readFile(p, 'utf8') });
    }
  };
  await walk(join(dir, 'reports'));
  outputs.push({ name: logFile, text: await readFile(logFile, 'utf8') });
  t.ok(outputs.some((o) => o.name.endsWith('repair.sql') && /SET SCHEMA/.test(o.text)), 'repair.sql holds the move');
  t.ok(outputs.some((o) => o.name.endsWith('report.md')), 'report.md was written');

  const spellings: Array<[string, string, string]> = [];
  for (const [key, value] of Object.entries(S)) {
    for (const [enc, text] of Object.entries(encodings(value, key === 'basicPassword' ? 'bob' : undefined))) spellings.push([key, enc, text]);
  }
  const bytes = outputs.reduce((n, o) => n + Buffer.byteLength(o.text), 0);
  const hits: string[] = [];
  for (const o of outputs) {
    for (const [key, enc, text] of spellings) if (o.text.includes(text)) hits.push(`${key} (${enc}) in ${o.name}`);
  }
  t.same(hits, [], 'no sentinel in any encoding anywhere');
  // In the TAP stream (`npx tap --reporter=tap dist/test/security/secrets.test.js`); README quotes it.
  t.comment(
    `secrets test: ${Object.keys(S).length} sentinels × ${spellings.length / Object.keys(S).length | 0}+ encodings (${spellings.length} spellings) × ${bytes} bytes in ${outputs.length} outputs: ${hits.length} hits`,
  );
  // Make sure the scan is not vacuous: the app really echoed the sentinels to smoke-fix.
  const appLogText = await readFile(appLog, 'utf8');
  for (const key of ['globalHeader', 'endpointHeader', 'bearer', 'apiKey'] as const) {
    t.ok(appLogText.includes(JSON.stringify(S[key]).slice(1, -1)), `the app saw and echoed ${key}`);
  }
  t.ok(appLogText.includes(new URLSearchParams({ x: S.loginPassword }).toString().slice(2)), 'the app saw the login password form-encoded');
  t.ok(appLogText.includes(S.sessionCookie), 'the app saw its session cookie back');
});
