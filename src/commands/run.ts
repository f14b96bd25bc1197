/**
 * `smoke-fix run`, in two layers (graphile-migrate style):
 *   runWithConfig  — the core: takes a resolved config, wires the real pieces into the cascade,
 *                    returns the RunResult and writes the reports;
 *   cli/main.ts    — parses argv, loads the config (its secrets build the run's masker, which the
 *                    terminal and the logger share), renders progress, maps the outcome to an
 *                    exit code.
 */
import { runCascade, type CascadeResult } from '../cascade/cascade.js';
import type { CascadeDeps } from '../cascade/deps.js';
import type { LogEvidence } from '../evidence/log-evidence.js';
import type { EmitEvent } from '../cascade/events.js';
import { secretsOf } from '../config/secrets.js';
import type { RepairMode, ResolvedConfig } from '../config/types.js';
import { openDatabase, type Database } from '../db/connect.js';
import { locateFindings } from '../db/locate.js';
import { rethrowAsUnreachable } from '../db/connection-errors.js';
import { acquireRunLock, type RunLock } from '../db/lock.js';
import { diagnose } from '../diagnose/diagnose.js';
import { EnvironmentError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { LogFileWatcher } from '../logs/file-watcher.js';
import { ServerLogReader } from '../logs/server-log.js';
import type { LogEntry } from '../logs/types.js';
import { writeDjangoMigrations } from '../migrations/django.js';
import { writeIntoOwnedApp } from '../migrations/write-owned.js';
import { createHttpClient } from '../probe/http-client.js';
import { probeEndpoints } from '../probe/probe.js';
import { createSessionManager } from '../probe/sessions.js';
import { applyAction } from '../repair/apply.js';
import { planRepairs } from '../repair/plan.js';
import { openJournalFor, recordApply, finishRecord } from '../report/journaled-run.js';
import { writeReports } from '../report/write.js';
import { answers, exitCodeOf, type RunResult } from '../result.js';
import { redactUrl } from '../util/redact.js';
import { createMasker, type Masker } from '../util/secret-masker.js';
import { loadHistory, type HistoryLoader, type LoadedHistory } from '../history/load.js';
import { applyVerified, closingCheck, provenFindings, resolveColumnsByHistory } from '../cascade/history-hooks.js';
import { VERSION } from '../version.js';
import { RequestLedger } from '../probe/request-ledger.js';
import { tieEntries, type Tie, type TieContext } from '../evidence/tie.js';

export interface RunSettings {
  readonly config: ResolvedConfig;
  /** Overrides `repair.mode` (`--plan` / `--apply`). */
  readonly mode?: RepairMode | undefined;
  /** Overrides `report.dir`. */
  readonly reportDir?: string | undefined;
  readonly emit?: EmitEvent | undefined;
  /**
   * Which events `emit` shows (default: all). An event neither shown nor logged is not masked or
   * sent at all: under --quiet that is every probe, a deep walk each at 10,000 endpoints.
   */
  readonly shows?: ((event: Parameters<EmitEvent>[0]) => boolean) | undefined;
  readonly logger?: Logger | undefined;
  /** Abort (SIGINT/SIGTERM) to stop before the next round or change; a report is still written. */
  readonly signal?: AbortSignal | undefined;
  /** Reads `history` into the expected schema (tests inject one); default: the configured reader. */
  readonly loadHistory?: HistoryLoader | undefined;
  /** The one masker of the run (also used by the logger and the terminal); built here if absent. */
  readonly masker?: Masker | undefined;
}

export interface RunOutput {
  readonly result: RunResult;
  /** Folder the reports were written to. */
  readonly reportDir: string;
  /** Django migration files written (apply mode, `repair.djangoMigrations`). */
  readonly migrations: readonly string[];
}

function toLogEvidence(entry: LogEntry, tie: Tie, masker: Masker): LogEvidence {
  return {
    source: entry.source === 'server-log' ? { type: 'server-log' } : { type: 'log', file: entry.file },
    // Masked as it is read: an excerpt cut later could otherwise keep half a secret.
    text: masker.mask(entry.text),
    requestPath: entry.requestPath,
    ...(tie.tied ? { request: tie.request } : { ignored: tie.reason }),
  };
}

/** PostgreSQL's logging collector writes an error shortly after the query fails. */
const SERVER_LOG_SETTLE_MS = 200;
const SERVER_LOG_MAX_POLLS = 10;

/** Readers of the app's log files and PostgreSQL's own log, started before the first probe. */
async function startLogReaders(config: ResolvedConfig, db: Database, ledger: RequestLedger, masker: Masker) {
  const files = config.logs.length > 0 ? await LogFileWatcher.start(config.logs) : undefined;
  const server = config.database.serverLog ? await ServerLogReader.start(db.pool, { appRole: config.database.appRole }) : undefined;
  const database = server ? { name: server.databaseName, role: config.database.appRole } : undefined;
  // Each read's records are tied to the requests smoke-fix made (src/evidence/tie.ts).
  const taggedFiles = new Set<string>();
  let readFromMs = Date.now();
  const read = async () => {
    const readToMs = Date.now();
    const ctx: TieContext = { ledger, readFromMs, readToMs, taggedFiles, database };
    readFromMs = readToMs;
    const tied = (got: readonly LogEntry[]) => {
      const ties = tieEntries(got, ctx);
      return got.map((e, i) => toLogEvidence(e, ties[i]!, masker));
    };
    const entries: LogEvidence[] = [];
    const warnings: string[] = [];
    if (files) {
      const got = await files.readNew();
      entries.push(...tied(got.entries));
      warnings.push(...got.warnings);
    }
    if (server) {
      // Poll briefly: the failing requests of this round have been answered, but their lines may
      // not have reached the server's log file yet. Stop at the first read with a record of ours.
      for (let poll = 0; poll < SERVER_LOG_MAX_POLLS; poll++) {
        const got = await server.readNew();
        warnings.push(...got.warnings);
        const texts = tied(got.entries);
        entries.push(...texts);
        // Other databases' records do not end the wait: ours may still be on its way.
        if (texts.some((x) => x.ignored === undefined) || server.unavailableReason !== null) break;
        await new Promise((r) => setTimeout(r, SERVER_LOG_SETTLE_MS));
      }
    }
    return { entries, warnings };
  };
  return { read, close: async () => files?.close() };
}

export async function runWithConfig(settings: RunSettings): Promise<RunOutput> {
  const { config } = settings;
  const mode = settings.mode ?? config.repair.mode;
  const masker = settings.masker ?? createMasker(secretsOf(config));
  const rawEmit: EmitEvent = settings.emit ?? (() => {});
  const log = settings.logger;
  // Every event is masked once before any sink (terminal, log) sees it; an event neither sink takes
  // is not masked at all (under --quiet, the probes and the run-end's whole result).
  const emit: EmitEvent = (event) => {
    const level = log ? logLevelOf(event) : undefined;
    const logged = level !== undefined && log!.isLevelEnabled(level);
    const shown = settings.emit !== undefined && (settings.shows?.(event) ?? true);
    if (!logged && !shown) return;
    const masked = masker.maskDeep(event);
    if (logged) logEvent(log!, level, masked);
    if (shown) rawEmit(masked);
  };
  const started = new Date();
  log?.info({ config: config.file, mode, endpoints: config.endpoints.length }, 'run started');
  emit({ type: 'run-start', endpoints: config.endpoints.length, mode });

  // Record first: an applying run's folder, repair.sql and rollback.sql exist before any change;
  // a folder that cannot be written ends the run here (exit 3), before the database is touched.
  const journal = mode === 'apply' ? await openJournalFor(config, settings.reportDir, started, masker) : undefined;
  let round = 0;
  let db: Database | undefined;
  let lock: RunLock | undefined;
  const startWarnings = configWarnings(config);
  for (const message of startWarnings) emit({ type: 'warning', message });
  // Made just before the `try` that closes it: it listens on the run's stop signal.
  const ledger = new RequestLedger();
  const client = createHttpClient({ baseUrl: config.baseUrl, http: config.http, signal: settings.signal, ledger });
  let cascade: CascadeResult;
  let logReaders: Awaited<ReturnType<typeof startLogReaders>> | undefined;
  let closing: Awaited<ReturnType<typeof closingCheck>> | undefined;
  try {
    db = await openDatabase(config.database);
    // Read once, before round 1: the authority for every plan, move and verification of this run.
    const loaded: LoadedHistory | null = await (settings.loadHistory ?? loadHistory)(config);
    // Plan mode changes nothing, so it may run beside a repairing run; apply mode may not.
    if (mode === 'apply') lock = await acquireRunLock(db.pool, { targetSchema: config.database.targetSchema });
    logReaders = await startLogReaders(config, db, ledger, masker);
    const readLogs = () => logReaders!.read().catch((error: unknown) => rethrowAsUnreachable(error, 'reading the logs'));
    const sessions = await createSessionManager({ auth: config.auth, client });
    const pool = db.pool;
    const { targetSchema, sourceSchemas } = config.database;
    const deps: CascadeDeps = {
      probe: (endpoints, onResult) => probeEndpoints({ endpoints, client, sessions, concurrency: config.http.concurrency, onResult, masker }),
      readLogs,
      diagnose: (text, contentType) => diagnose(text, { contentType }),
      async locate(findings) {
        const located = await locateFindings(pool, findings, { targetSchema, sourceSchemas }).catch((error: unknown) => rethrowAsUnreachable(error, 'the catalog look-up'));
        // The history names the table of a column no error named (resolveColumnsByHistory keeps the order).
        const keys = [...located.columns.keys()];
        const resolved = await resolveColumnsByHistory(pool, loaded, { targetSchema, sourceSchemas }, [...located.columns.values()]);
        return { ...located, columns: new Map(resolved.map((location, i) => [keys[i]!, location])) };
      },
      plan: (findings, locations) => planRepairs({ findings, ...locations, targetSchema, sourceSchemas, expected: loaded?.expected }),
      // The change is journaled right after its COMMIT (recordApply), before the slower check
      // against the expected schema (applyVerified) runs.
      apply: applyVerified(pool, loaded, targetSchema, async (action) => {
        // Never run DDL unprotected: a lost lock ends the run (exit 3) before the next change,
        // unless it died with a server restart and could be taken again (lock.ts).
        if (await lock?.ensureHeld()) {
          deps.emit({ type: 'warning', message: 'PostgreSQL restarted during the run; the repair lock was taken again on a new connection before the next change.' });
        }
        return recordApply(journal, round, action, () =>
          applyAction(pool, action, {
            lockTimeoutMs: config.database.lockTimeoutMs,
            statementTimeoutMs: config.database.statementTimeoutMs,
            lockRetries: config.database.lockRetries,
            verifyRowCounts: config.repair.verifyRowCounts,
            signal: settings.signal,
          }),
        );
      }),
      ...(loaded && config.repair.scope === 'history' ? { provenFindings: provenFindings(pool, loaded, { targetSchema, sourceSchemas }) } : {}),
      emit: (event) => {
        if (event.type === 'round-start') round = event.round;
        emit(event);
      },
      now: () => new Date(),
    };
    const readsLogs = config.logs.length > 0 || config.database.serverLog;
    cascade = await runCascade({ endpoints: config.endpoints, mode, maxRounds: config.repair.maxRounds, signal: settings.signal, readsLogs }, deps);
    // The closing look at the source schemas; a failure of it is a warning, never the run's end.
    closing = await closingCheck(pool, loaded, { targetSchema, sourceSchemas }).catch((error: unknown) => {
      cascade = { ...cascade, warnings: [...cascade.warnings, `the closing catalog check failed: ${(error as Error).message}`] };
      return undefined;
    });
  } catch (error) {
    // The environment failed before or around the cascade (database down, lock held): still a
    // result with a report, so cron mail and CI show what happened.
    if (!(error instanceof EnvironmentError)) throw error;
    cascade = { rounds: [], final: [], outcome: 'environment-error', reason: error.message, errorCode: error.code, exitCode: exitCodeOf('environment-error'), warnings: [] };
  } finally {
    await logReaders?.close().catch(() => {});
    await lock?.release().catch(() => {});
    await db?.close().catch(() => {});
    await client.close().catch(() => {});
  }

  cascade = journal?.writeFailure && cascade.exitCode !== 3 ? journalFailed(cascade, journal.writeFailure, journal.whatIsRecorded()) : cascade;
  cascade = { ...cascade, warnings: [...startWarnings, ...cascade.warnings] };
  const finished = new Date();
  // Masked once, here, with every secret of the config: stdout (--json), events, logs and reports
  // all read this value, and a body excerpt may echo a header or a password back.
  const result: RunResult = masker.maskDeep<RunResult>({
    tool: { name: 'smoke-fix', version: VERSION },
    configFile: config.file,
    baseUrl: config.baseUrl,
    database: redactUrl(config.database.url),
    targetSchema: config.database.targetSchema,
    sourceSchemas: config.database.sourceSchemas,
    mode,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    ...cascade,
    ...(closing ? { leftInSources: closing.leftInSources, ...(closing.history ? { history: closing.history } : {}) } : {}),
  });
  log?.info({ outcome: result.outcome, exitCode: result.exitCode, reason: result.reason }, 'run finished');

  const written = journal
    ? await finishRecord(journal, result, masker)
    : await writeReports(result, { dir: settings.reportDir ?? config.report.dir, masker });
  let migrations: string[] = [];
  const applied = answers(result).repairs.flatMap((r) => (r.record.status === 'applied' ? [r.record] : []));
  if (applied.length > 0 && Object.keys(config.repair.djangoMigrations).length > 0) {
    const out = await writeDjangoMigrations({ records: applied, apps: config.repair.djangoMigrations });
    migrations = out.written;
    for (const s of out.skipped) log?.warn({ object: s.object }, `no migration written: ${s.reason}`);
  }
  if (applied.length > 0 && config.repair.djangoMigrationsApp) {
    const out = await writeIntoOwnedApp(config, applied);
    migrations = out.written;
    for (const s of out.skipped) log?.warn({ object: s.object }, `no migration written: ${s.reason}`);
  }
  emit({ type: 'run-end', result });
  return { result, reportDir: written.dir, migrations };
}

/** The record could not be written after a change: the run is an environment error, said loudly. */
function journalFailed(cascade: CascadeResult, failure: Error, recorded: string): CascadeResult {
  return {
    ...cascade,
    outcome: 'environment-error',
    exitCode: exitCodeOf('environment-error'),
    errorCode: 'REPORT_WRITE_FAILED',
    reason: `The run record could not be written after a change (${failure.message}); no change was made after that: ${recorded} ${cascade.reason}`,
  };
}

/** Settings that weaken a guarantee: said loudly at the start and in the report. */
function configWarnings(config: ResolvedConfig): string[] {
  return config.http.insecure
    ? ['http.insecure is on: TLS certificates are NOT checked, so anyone on the network path can answer as the app. Use http.caFile instead outside tests.']
    : [];
}

type EventLevel = 'debug' | 'info' | 'warn';

/** The log level of an event, or undefined when the log has no line for it. */
function logLevelOf(event: Parameters<EmitEvent>[0]): EventLevel | undefined {
  switch (event.type) {
    // A passing probe is a debug line (--verbose): at 10,000 endpoints one info line each made
    // the log the run's largest cost. A failing one stays at info: it is what a cron log is for.
    case 'probe':
      return event.result.ok ? 'debug' : 'info';
    case 'repair':
      return 'info';
    case 'refusal':
    case 'warning':
      return 'warn';
    default:
      return undefined;
  }
}

function logEvent(log: Logger, level: EventLevel, event: Parameters<EmitEvent>[0]): void {
  switch (event.type) {
    case 'probe': {
      const r = event.result;
      log[level]({ round: event.round, endpoint: r.endpoint, status: r.status, ok: r.ok, reason: r.reason, ms: r.durationMs }, 'probe');
      break;
    }
    case 'repair':
      log[level](
        { round: event.round, status: event.record.status, sql: event.record.action.sql, verification: event.record.verification, error: event.record.error },
        'repair',
      );
      break;
    case 'refusal':
      log[level]({ round: event.round, reason: event.refusal.reason, detail: event.refusal.detail }, 'refused');
      break;
    case 'warning':
      log[level](event.message);
      break;
    default:
      break;
  }
}
