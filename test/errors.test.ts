import t from 'tap';
import {
  asSmokeFixError,
  ConfigError,
  DatabaseUnreachableError,
  EnvironmentError,
  InternalError,
  InterruptedError,
  InvalidConfigError,
  LockHeldError,
  LockLostError,
  LoginFailedError,
  ReportWriteError,
  SmokeFixError,
  TargetUnreachableError,
  UsageError,
} from '../src/errors.js';
import { FleetSummaryError, TargetsQueryError } from '../src/fleet/errors.js';
import {
  DjangoProjectError,
  HistoryDatabaseUnreachableError,
  HistoryReadError,
  HistoryTimeoutError,
  ManageNotStartedError,
} from '../src/history/django/errors.js';
import { SqlParserUnavailableError } from '../src/history/expected/parser.js';
import { SqlHistoryError } from '../src/history/sql/errors.js';
import { toTransportError } from '../src/probe/transport.js';

// What cron, CI and the reports read: the exit code of each category and the code of each error.
const configErrors: Array<[SmokeFixError, string]> = [
  [new InvalidConfigError([{ file: 'c.yaml', line: 1, col: 1, path: 'baseUrl', message: 'is required' }]), 'CONFIG_INVALID'],
  [new UsageError('x'), 'USAGE'],
  [new TargetsQueryError('x'), 'TARGETS_QUERY'],
  [new FleetSummaryError('x'), 'FLEET_SUMMARY'],
  [new ManageNotStartedError('x'), 'HISTORY_MANAGE_NOT_STARTED'],
  [new DjangoProjectError('x'), 'HISTORY_PROJECT_FAILED'],
  [new HistoryReadError('x'), 'HISTORY_READ_FAILED'],
  [new SqlHistoryError('x'), 'HISTORY_SQL_UNREADABLE'],
];
const environmentErrors: Array<[SmokeFixError, string]> = [
  [new DatabaseUnreachableError('x'), 'DB_UNREACHABLE'],
  [new LockHeldError('x'), 'LOCK_HELD'],
  [new LockLostError('x'), 'LOCK_LOST'],
  [new InterruptedError('x'), 'INTERRUPTED'],
  [new TargetUnreachableError('x'), 'TARGET_UNREACHABLE'],
  [new LoginFailedError('member', 'x'), 'LOGIN_FAILED'],
  [new ReportWriteError('x'), 'REPORT_WRITE_FAILED'],
  [new HistoryDatabaseUnreachableError('x'), 'HISTORY_DB_UNREACHABLE'],
  [new HistoryTimeoutError('x'), 'HISTORY_TIMEOUT'],
  [new SqlParserUnavailableError('x'), 'SQL_PARSER_UNAVAILABLE'],
];

t.test('a usage or config error exits 2, an environment error 3, each with its own code', async (t) => {
  for (const [error, code] of configErrors) {
    t.ok(error instanceof ConfigError && !(error instanceof EnvironmentError), `${error.name} is a ConfigError`);
    t.equal(error.exitCode, 2, `${error.name} exits 2`);
    t.equal(error.code, code);
  }
  for (const [error, code] of environmentErrors) {
    t.ok(error instanceof EnvironmentError && !(error instanceof ConfigError), `${error.name} is an EnvironmentError`);
    t.equal(error.exitCode, 3, `${error.name} exits 3`);
    t.equal(error.code, code);
  }
  const codes = [...configErrors, ...environmentErrors].map(([e]) => e.code);
  t.equal(new Set(codes).size, codes.length, 'no two errors share a code');
});

t.test("the config file's problems stay on the error; other config errors have none", async (t) => {
  const [[invalid], [usage]] = configErrors as [[ConfigError, string], [ConfigError, string]];
  t.match(invalid.problems, [{ file: 'c.yaml', path: 'baseUrl' }]);
  t.match(invalid.message, 'c.yaml:1:1 baseUrl: is required');
  t.same(usage.problems, []);
});

t.test('anything else thrown is an internal error: exit 1, with the original as its cause', async (t) => {
  const bug = new TypeError('boom');
  const internal = asSmokeFixError(bug);
  t.ok(internal instanceof InternalError);
  t.equal(internal.code, 'INTERNAL_ERROR');
  t.equal(internal.exitCode, 1);
  t.equal(internal.message, 'boom');
  t.equal(internal.cause, bug);
  const held = new LockHeldError('held');
  t.equal(asSmokeFixError(held), held, 'one of ours is kept as it is');
});

t.test('a transport failure is a SmokeFixError carrying its code, never an environment error', async (t) => {
  const refused = toTransportError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 3);
  t.ok(refused instanceof SmokeFixError);
  t.notOk(refused instanceof EnvironmentError);
  t.equal(refused?.code, 'ECONNREFUSED');
  t.equal(refused?.durationMs, 3);
});
